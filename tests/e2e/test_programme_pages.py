"""Programme pages in a browser (issue 9): editing a programme, the participants and members
lists, at phone and desktop size, with screenshots in ``test-results/``."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import Programme, ProgrammeStatus
from tests.conftest import make_user
from tests.e2e.conftest import RESULTS, SIZES
from tests.e2e.test_programme_journey import log_in
from tests.programmes.factories import make_participant, make_programme

pytestmark = pytest.mark.e2e


def shoot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png")


def assert_no_horizontal_overflow(page: Page) -> None:
    """Neither the page nor a table inside its scrolling wrapper is wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"
    tables = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth)"
    )
    assert all(extra <= 0 for extra in tables), f"a table overflows by {tables} px"


@pytest.fixture
def acme(transactional_db) -> Organisation:
    acme = Organisation.objects.create(name="Acme", slug="acme")
    Membership.objects.create(
        organisation=acme, user=make_user("ada@acme.test", "Ada Admin"), role=Role.ADMIN
    )
    return acme


@pytest.mark.parametrize("size", SIZES)
def test_it_saves_a_programme_unchanged_and_changed(page, acme, size):
    page.set_viewport_size(SIZES[size])
    programme = make_programme(acme)
    log_in(page, "ada@acme.test")
    page.goto(f"/o/acme/programmes/{programme.pk}/edit/")
    expect(page.get_by_label("Start date")).to_have_value("2027-01-04")
    shoot(page, f"programme-edit-{size}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The programme is saved.")).to_be_visible()

    page.goto(f"/o/acme/programmes/{programme.pk}/edit/")
    page.get_by_label("Start date").fill("2027-02-01")
    page.get_by_label("How much each attribute matters").fill("department 2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The programme is saved.")).to_be_visible()
    expect(page.get_by_text("department (weight 2), level")).to_be_visible()
    programme.refresh_from_db()
    assert programme.start_date == dt.date(2027, 2, 1)
    assert programme.weights == {"department": 2.0}


@pytest.mark.parametrize("size", SIZES)
def test_it_finds_participants_by_name_and_filters_on_a_phone_and_a_laptop(page, acme, size):
    page.set_viewport_size(SIZES[size])
    programme: Programme = make_programme(acme)
    for n in range(60):
        make_participant(
            programme,
            f"person{n:02d}.with.a.long.address@acme.test",
            name=f"Person {n:02d}",
            ready=n % 3 != 0,
            attributes={"department": ("Sales", "Finance")[n % 2], "level": "Lead"},
        )
    log_in(page, "ada@acme.test")
    page.goto(f"/o/acme/programmes/{programme.pk}/participants/")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shoot(page, f"participants-{size}")
    page.get_by_label("Intake").select_option("pending")
    page.get_by_label("Department").select_option("Finance")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status")).to_have_text(
        "10 people match these filters · Show everyone."
    )
    page.get_by_label("Name or email").fill("person03")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="Person 03")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 person matches")


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_members_table_without_overflow(page, acme, size):
    page.set_viewport_size(SIZES[size])
    for n in range(12):
        user = make_user(f"someone.with.a.long.name{n}@acme.test", f"Someone Longname {n}")
        Membership.objects.create(
            organisation=acme,
            user=user,
            role=Role.MEMBER,
            department="Research and Development",
            level="Senior manager",
            location="Frankfurt am Main",
        )
    log_in(page, "ada@acme.test")
    page.goto("/o/acme/members/")
    expect(page.get_by_text("Someone Longname 3", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    shoot(page, f"members-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_it_pages_a_programmes_circles_and_finds_one_by_a_member(page, acme, size):
    page.set_viewport_size(SIZES[size])
    programme = make_programme(acme)
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    for n in range(53):
        circle = Circle.objects.create(
            organisation=acme, programme=programme, name=f"Circle {n:02d}"
        )
        for m in range(5):
            person = make_participant(
                programme, f"p{n:02d}{m}@acme.test", name=f"Person {n:02d}{m}"
            )
            CircleMember.objects.create(circle=circle, participant=person, email=person.email)
    log_in(page, "ada@acme.test")
    page.goto(f"/o/acme/programmes/{programme.pk}/circles/")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shoot(page, f"programme-circles-{size}")
    page.get_by_label("Circle name, or a member's name or email").fill("Person 512")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Circle 51")).to_be_visible()
    expect(page.get_by_role("link", name="Circle 01")).to_have_count(0)
    shoot(page, f"programme-circles-found-{size}")
