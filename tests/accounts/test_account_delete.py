"""Deleting an account: asks first, removes personal content, keeps anonymous aggregates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circlewise.accounts.models import ApiToken, User
from circlewise.accounts.services import AccountError, account_delete
from circlewise.circles.models import CircleMember
from circlewise.circles.services import circle_member_remove
from circlewise.coaching.models import Attendance, Commitment
from circlewise.insights import selectors
from circlewise.insights.models import PulseAnswer, PulseRequest
from circlewise.insights.views import csv_rows
from circlewise.journal.models import JournalEntry
from circlewise.meetings.models import CalendarFeed, SessionAbsence
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Participant
from circlewise.resources.models import Progress, Resource, Share
from tests.conftest import PASSWORD, client_for
from tests.insights.conftest import add_circle, dept

pytestmark = pytest.mark.django_db


def _personal_rows(user, circle, session) -> None:
    """A journal entry, a commitment, a resource mark, a "can't make it", a feed, a token."""
    organisation = circle.organisation
    JournalEntry.objects.create(
        owner=user, organisation=organisation, circle=circle, body=f"Private note of {user.name}"
    )
    Commitment.objects.create(
        circle=circle, session=session, user=user, what="Delegate more",
        by_when=dt.date(2030, 1, 1), how_know="Fewer late nights",
    )  # fmt: skip
    resource = Resource.objects.get_or_create(
        organisation=organisation, programme=circle.programme, kind="article", title="On listening",
        url="https://example.org/listening",
    )[0]  # fmt: skip
    share = Share.objects.get_or_create(circle=circle, resource=resource)[0]
    Progress.objects.create(share=share, user=user, done=True, reflection="Made me think")
    SessionAbsence.objects.create(session=session, user=user, note="Travelling")
    CalendarFeed.objects.create(user=user)
    ApiToken.issue(user=user, name="Script")


@pytest.fixture
def oak(programme, coach):
    """Oak (6 people, coached) and Elm (5 people) with answers in a closed period; Oak's first
    member has a comment and personal rows, as does the second (who stays)."""
    circle, session, users = add_circle(
        programme, people=[dept("Sales"), dept("Sales"), dept("Ops"), dept("Ops"),
                           dept("Ops"), dept("Sales")],
        name="Oak", coach=coach, scores=(4, 3, 4, 5),
    )  # fmt: skip
    add_circle(programme, people=[dept("Ops")] * 5, name="Elm", scores=(2, 3, 2, 3))
    leaver, stayer = users[0], users[1]
    PulseAnswer.objects.filter(user=leaver).update(comment="Too rushed", usefulness=1)
    PulseAnswer.objects.filter(user=stayer).update(comment="Felt heard today")
    for user in (leaver, stayer):
        _personal_rows(user, circle, session)
    return circle, session, users


def _figures(admin, coach, programme, circle, api_client) -> dict:
    """What the dashboard (its CSV rows are its figures), the API and the coach's view show."""
    dashboard = csv_rows(selectors.programme_insights(programme=programme))
    api = api_client(admin).get(f"/api/organisations/acme/programmes/{programme.pk}/insights")
    coach_page = client_for(coach).get(reverse("insights:circle", args=["acme", circle.pk]))
    row = coach_page.context["row"]
    return {
        "dashboard": dashboard,
        "api": api.json(),
        "coach": (
            str(row.usefulness), str(row.safety), row.respondents,
            [(a.session.pk, a.present, a.recorded, a.answered)
             for a in coach_page.context["attendance"]],
        ),
    }  # fmt: skip


def _other_members_rows(user) -> dict:
    return {
        "journal": list(JournalEntry.objects.filter(owner=user).values()),
        "commitments": list(Commitment.objects.filter(user=user).values()),
        "pulse": list(PulseAnswer.objects.filter(user=user).values()),
        "progress": list(Progress.objects.filter(user=user).values()),
    }


def _leave(user, circle) -> None:
    circle_member_remove(member=CircleMember.objects.get(circle=circle, user=user), by=user)


def test_deleting_an_account_leaves_every_aggregate_unchanged_and_other_members_data_intact(
    admin, coach, programme, oak, api_client
):
    circle, _, (leaver, stayer, *_) = oak
    _leave(leaver, circle)
    before = _figures(admin, coach, programme, circle, api_client)
    assert before["coach"][0] != "not enough responses yet"  # figures are there to compare
    stayer_rows = _other_members_rows(stayer)

    account_delete(user=leaver)

    assert _figures(admin, coach, programme, circle, api_client) == before
    assert _other_members_rows(stayer) == stayer_rows


def test_deleting_the_account_of_someone_still_in_a_circle_counts_as_their_leaving(
    admin, coach, programme, oak, api_client
):
    circle, _, (leaver, *_) = oak
    before = _figures(admin, coach, programme, circle, api_client)
    with transaction.atomic():
        _leave(leaver, circle)
        as_if_left = _figures(admin, coach, programme, circle, api_client)
        transaction.set_rollback(True)

    account_delete(user=leaver)

    # The same figures as a member who leaves, and only the counts of who is in a circle *now*
    # moved: the person is no longer in one. Answers, respondents, attendance, enrolment,
    # intake and past months are as they were.
    after = _figures(admin, coach, programme, circle, api_client)
    assert after == as_if_left
    rows = zip(before["dashboard"], after["dashboard"], strict=True)
    moved = [(b[:2], int(b[5]) - int(a[5])) for b, a in rows if b != a]
    this_month = timezone.now().date().isoformat()[:7]
    assert moved == [
        (["circles", "members placed"], 1),
        (["retention", this_month], 1),
    ]


def test_it_removes_the_personal_rows_and_keeps_only_anonymous_ones(programme, oak):
    leaver = oak[2][0]
    email = leaver.email
    account_delete(user=leaver)

    tombstone = User.objects.get(pk=leaver.pk)
    assert tombstone.is_former and not tombstone.is_active and not tombstone.has_usable_password()
    assert (tombstone.name, tombstone.pronouns) == ("", "")
    assert tombstone.email.endswith("@deleted.invalid") and email not in tombstone.email
    gone = [(JournalEntry, "owner"), (Commitment, "user"), (Progress, "user"),
            (CalendarFeed, "user"), (ApiToken, "user"), (Membership, "user")]  # fmt: skip
    for model, field in gone:
        assert not model.objects.filter(**{field: tombstone}).exists(), model
    assert not tombstone.emailaddress_set.exists()
    assert SessionAbsence.objects.get(user=tombstone).note == ""
    answer_row = PulseAnswer.objects.get(user=tombstone)
    assert (answer_row.comment, answer_row.usefulness) == ("", 1)  # the score stays, anonymous
    assert Attendance.objects.filter(user=tombstone, status="present").exists()
    participant = Participant.objects.get(user=tombstone)
    assert participant.name == "" and participant.goals == "" and participant.languages == []
    assert participant.attributes == {"department": "Sales", "level": "Senior"}
    seat = CircleMember.objects.get(user=tombstone)
    assert seat.left_at is not None and seat.email == tombstone.email
    # Nothing left anywhere names them or holds their address.
    assert not User.objects.filter(email=email).exists()
    assert not Participant.objects.filter(email=email).exists()
    assert not CircleMember.objects.filter(email=email).exists()


def test_the_old_credentials_no_longer_log_in(client, programme, oak):
    leaver = oak[2][0]
    email = leaver.email
    assert authenticate(email=email, password=PASSWORD) is not None
    account_delete(user=leaver)
    assert authenticate(email=email, password=PASSWORD) is None
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and response.status_code == 200


def test_an_emailed_pulse_link_no_longer_opens_the_answer(client, programme, oak):
    leaver = oak[2][0]
    token = PulseRequest.objects.get(user=leaver).token
    account_delete(user=leaver)
    assert client.get(reverse("insights:pulse", args=[token])).status_code == 404


def test_the_circle_names_a_former_member_where_they_were_coachee(programme, oak):
    from circlewise.circles.selectors import circle_rotation, member_name

    circle, session, users = oak
    CircleMember.objects.filter(circle=circle).update(
        joined_at=session.starts_at - dt.timedelta(days=9)
    )
    (name,) = circle_rotation(circle=circle, now=session.starts_at).coachees(session.pk)
    coachee = next(user for user in users if user.name == name)
    account_delete(user=coachee)

    seat = CircleMember.objects.select_related("user").get(circle=circle, user=coachee)
    assert member_name(member=seat) == "a former member"
    assert circle_rotation(circle=circle, now=session.starts_at).coachees(session.pk) == [
        "a former member"
    ]


def test_it_tells_the_old_address_once_and_the_circle_a_former_member_left(
    programme, oak, django_capture_on_commit_callbacks
):
    leaver = oak[2][0]
    email, name = leaver.email, leaver.name
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=leaver)
    assert [m.to for m in mail.outbox if "deleted" in m.subject] == [[email]]
    left = [m for m in mail.outbox if m.to != [email]]
    assert left and all(name not in m.subject + m.body for m in left)
    assert all("a former member" in m.subject + m.body for m in left)


def test_it_refuses_while_they_host_a_circle_or_are_the_only_admin(admin, organisation, member):
    from tests.circle_fixtures import make_circle

    make_circle(organisation, members=[member], host=member, name="Birch")
    with pytest.raises(AccountError, match="You host the circle “Birch”"):
        account_delete(user=member)
    with pytest.raises(AccountError, match="only admin of Acme"):
        account_delete(user=admin)
    assert User.objects.get(pk=member.pk).deleted_at is None
    assert Membership.objects.filter(user=admin).exists()
    # Once someone else is an admin too, the admin may go.
    Membership.objects.filter(user=member).update(role=Role.ADMIN)
    account_delete(user=admin)
    assert User.objects.get(pk=admin.pk).is_former


def test_the_page_asks_for_the_password_and_changes_nothing_when_it_is_wrong(member):
    client = client_for(member)
    url = reverse("accounts:delete")
    page = client.get(url)
    assert page.status_code == 200 and "Your password" in page.content.decode()
    wrong = client.post(url, {"password": "not-it"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    assert User.objects.get(pk=member.pk).deleted_at is None
    done = client.post(url, {"password": PASSWORD})
    assert done.status_code == 302 and done.url == reverse("home")
    assert User.objects.get(pk=member.pk).is_former
    assert "_auth_user_id" not in client.session


def test_without_a_password_it_asks_for_the_words(member):
    member.set_unusable_password()
    member.save()
    client = client_for(member)
    url = reverse("accounts:delete")
    page = client.get(url).content.decode()
    assert "Type “delete my account”" in page and "Your password" not in page
    refused = client.post(url, {"phrase": "delete it"})
    assert refused.status_code == 400
    assert "Type the words “delete my account” to confirm." in refused.content.decode()
    assert client.post(url, {"phrase": "  Delete my  account "}).status_code == 302
    assert User.objects.get(pk=member.pk).is_former


def test_a_host_is_shown_what_to_hand_over_and_a_post_changes_nothing(organisation, member):
    from tests.circle_fixtures import make_circle

    make_circle(organisation, members=[member], host=member, name="Birch")
    client = client_for(member)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "hand the host role to another member" in page
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 409
    assert User.objects.get(pk=member.pk).deleted_at is None


def test_deleting_is_post_only(member):
    client = client_for(member)
    assert client.put(reverse("accounts:delete")).status_code == 405
    assert client.get(reverse("accounts:delete")).status_code == 200
    assert User.objects.get(pk=member.pk).deleted_at is None


def test_the_sessions_task_removes_stored_logins_and_is_safe_twice(member):
    from django.contrib.sessions.models import Session

    from circlewise.accounts.tasks import account_sessions_delete

    client_for(member)
    client_for(member)
    assert account_sessions_delete.call(member.pk) == 2
    assert account_sessions_delete.call(member.pk) == 0
    assert Session.objects.count() == 0


def test_a_closed_circle_lists_a_former_member_without_an_address(organisation, member):
    """Seats of a closed circle stay (its history stays readable to its members)."""
    from circlewise.circles.models import CircleStatus
    from tests.circle_fixtures import circle_mate, make_circle

    sam = circle_mate(organisation)
    circle = make_circle(organisation, members=[member, sam], host=sam, name="Birch",
                         status=CircleStatus.CLOSED)  # fmt: skip
    account_delete(user=member)
    page = client_for(sam).get(reverse("circles:detail", args=["acme", circle.pk]))
    content = page.content.decode()
    assert page.status_code == 200 and "a former member" in content
    assert "deleted.invalid" not in content and "Mia" not in content


def test_it_erases_what_waits_at_a_verified_address_and_nothing_at_an_unverified_one(
    organisation, member
):
    """An enrolment not yet claimed ends, anonymous, and an invitation goes, when they wait at an
    address the person verified. An address they only typed in may be somebody else's: what
    waits there, and the audit log's mentions of it, stay as they were."""
    from circlewise.organisations.models import Activity, Invitation
    from circlewise.programmes.models import ParticipantStatus
    from tests.programmes.factories import make_participant, make_programme

    member.emailaddress_set.create(email="mia.home@example.org", verified=True)
    member.emailaddress_set.create(email="boss@acme.test", verified=False)
    programme = make_programme(organisation, name="Mentors")
    waiting = make_participant(programme, "mia.home@example.org", goals="Lead a team")
    theirs = make_participant(programme, "boss@acme.test", name="The Boss")
    Invitation.objects.create(organisation=organisation, email="mia.home@example.org")
    Invitation.objects.create(organisation=organisation, email="boss@acme.test")
    for address in ("mia.home@example.org", "boss@acme.test"):
        Activity.objects.create(
            organisation=organisation, action="invite", summary=f"Invited {address}."
        )

    account_delete(user=member)

    waiting.refresh_from_db()
    assert (waiting.name, waiting.goals, waiting.user_id) == ("", "", None)
    assert waiting.status == ParticipantStatus.LEFT and waiting.email.endswith("@deleted.invalid")
    theirs.refresh_from_db()
    assert (theirs.email, theirs.name, theirs.status) == ("boss@acme.test", "The Boss", "invited")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["boss@acme.test"]
    summaries = set(Activity.objects.filter(action="invite").values_list("summary", flat=True))
    assert summaries == {"Invited a former member.", "Invited boss@acme.test."}
