"""The programme manager's journey (issue 4): create a programme, enrol people from a CSV file
with a few bad rows, form circles, move one person, publish; a participant sees their circle.

The participants' intakes are filled in through the database between the browser steps (the
intake page has its own tests); the formation task runs in-process (immediate backend), so the
page shows the finished progress bar as soon as the form is posted.
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect

from circlewise.formation.models import FormationRun
from circlewise.formation.placing import circle_name
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import ParticipantStatus, Programme
from tests.conftest import PASSWORD, make_user

DEPARTMENTS = ("Sales", "Engineering", "Finance", "People")
HEADER = "email,name,department,level"


def _rows(count: int) -> list[str]:
    rows = [f"mia@acme.test,Mia Member,{DEPARTMENTS[0]},Senior"]
    for n in range(1, count):
        level = ("Junior", "Senior", "Lead")[n % 3]
        rows.append(f"person{n}@acme.test,Person {n},{DEPARTMENTS[n % 4]},{level}")
    return rows


def _upload(page: Page, text: str) -> None:
    page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Preview").click()


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_it_forms_edits_and_publishes_circles_and_a_participant_sees_theirs(new_page, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    acme = Organisation.objects.create(name="Acme", slug="acme")
    Membership.objects.create(organisation=acme, user=make_user("ada@acme.test"), role=Role.ADMIN)
    mia = make_user("mia@acme.test", "Mia Member")
    Membership.objects.create(organisation=acme, user=mia, role=Role.MEMBER)

    ada = new_page()
    log_in(ada, "ada@acme.test")
    ada.goto("/o/acme/programmes/")
    ada.get_by_role("button", name="New programme").click()
    ada.get_by_label("Name").fill("New managers")
    ada.get_by_label("Purpose").fill("New managers support each other through their first year.")
    ada.get_by_label("Start date").fill("2027-01-04")
    ada.get_by_label("Attributes to diversify").fill("department, level")
    ada.get_by_role("button", name="Create programme").click()
    expect(ada.get_by_role("heading", name="New managers")).to_be_visible()

    # A file with a bad email and a duplicate: nothing is imported until it is fixed.
    ada.get_by_role("button", name="Enrol people").click()
    good = _rows(11)
    _upload(ada, "\n".join([HEADER, *good, "not-an-email,Nobody,Sales,Junior", good[1]]))
    expect(ada.get_by_text("2 lines with problems")).to_be_visible()
    assert not Programme.objects.get().participants.exists()
    ada.get_by_role("button", name="Upload a corrected file").click()
    _upload(ada, "\n".join([HEADER, *good]))
    ada.get_by_role("button", name="Enrol 11 people and send invitations").click()
    programme = Programme.objects.get()
    assert programme.participants.count() == 11

    # Everyone completes the intake (its own pages are tested elsewhere).
    programme.participants.update(
        status=ParticipantStatus.ACTIVE,
        intake_completed_at=timezone.now(),
        languages=["English"],
        time_zone="Europe/London",
    )

    ada.goto(f"/o/acme/programmes/{programme.pk}/")
    ada.get_by_role("button", name="Form circles").click()
    ada.get_by_role("button", name="Form circles").click()
    expect(ada.get_by_role("progressbar", name="Circles formed")).to_have_attribute("value", "100")
    expect(ada.get_by_role("heading", name="Proposal: 2 circles for 11 people")).to_be_visible()

    # Find someone from the circle of six by typing, and move them to the circle of five.
    run = FormationRun.objects.get()
    big, small = sorted(run.proposal, key=len, reverse=True)
    mover = programme.participants.get(pk=big[0])
    target = circle_name(run.proposal.index(small))
    ada.get_by_role("combobox", name="Find a person").fill(mover.name)
    ada.get_by_role("option", name=mover.name).click()
    expect(ada.get_by_role("region", name="Chosen person")).to_contain_text(
        f"{mover.name} is in {circle_name(run.proposal.index(big))}"
    )
    ada.get_by_role("button", name=f"Move {mover.name} here").click()
    expect(ada.get_by_text(f"{mover.name} moved to {target}.")).to_be_visible()
    circle = ada.get_by_role("article").filter(has=ada.get_by_role("heading", name=target))
    expect(circle.get_by_text(mover.name, exact=True)).to_be_visible()
    expect(ada.get_by_role("alert")).to_have_count(0)

    ada.get_by_role("button", name="Publish these circles").click()
    expect(ada.get_by_role("heading", name="Publish 2 circles?")).to_be_visible()
    ada.get_by_role("button", name="Publish and email 11 people").click()
    expect(ada.get_by_text("2 circles published")).to_be_visible()
    expect(ada.get_by_role("heading", name="Circles published")).to_be_visible()
    expect(ada.get_by_role("button", name="Form circles")).to_have_count(0)

    # Mia logs in and finds her circle, with the names of the others in it.
    page = new_page()
    log_in(page, "mia@acme.test")
    page.goto("/o/acme/circles/")
    seat = mia.circle_memberships.get()
    page.get_by_role("link", name=seat.circle.name).click()
    expect(page.get_by_role("heading", name=seat.circle.name)).to_be_visible()
    expect(page.get_by_text(programme.goal)).to_be_visible()
    for other in seat.circle.members.exclude(email=mia.email):
        expect(page.get_by_text(other.participant.name, exact=True)).to_be_visible()
