"""Commitments: made at a session, checked in at the next, seen by the circle and its coach only;
the powerful-questions library; and the permission matrix of every coaching page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from circlewise.coaching.models import Commitment, Question, SessionRun
from circlewise.coaching.services import commitment_create, run_control, run_for_session
from circlewise.organisations.models import Organisation
from tests.circle_fixtures import circle_mate, make_circle, make_session
from tests.conftest import client_for
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _people():
    from circlewise.accounts.models import User

    return {u.email.split("@")[0]: u for u in User.objects.all()}


def _circle(organisation: Organisation):
    people = _people()
    circle = make_circle(
        organisation, members=[people["mia"], circle_mate(organisation)], coach=people["cody"]
    )
    return circle


def _two_sessions(circle):
    last = make_session(circle, starts_at=timezone.now() - dt.timedelta(days=30), number=1)
    return last, make_session(circle, number=2)


NEXT_MONTH = (timezone.now() + dt.timedelta(days=20)).date().isoformat()
PLEDGE = {"what": "Ask before advising", "by_when": NEXT_MONTH, "how_know": "Notes after 1:1s"}


def _session_kwargs(organisation: Organisation) -> dict:
    circle = _circle(organisation)
    session = make_session(circle)
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "session_id": session.pk}


def _circle_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _circle(organisation).pk}


def _mias_commitment(organisation: Organisation) -> dict:
    circle = _circle(organisation)
    session = make_session(circle)
    commitment = commitment_create(
        circle=circle, session=session, user=_people()["mia"], what="Try", how_know="See",
        by_when=session.starts_at.date(),
    )  # fmt: skip
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "commitment_id": commitment.pk}


def _ticketless_clock(organisation: Organisation) -> dict:
    return _session_kwargs(organisation)


def _other_organisations_session(organisation: Organisation) -> dict:
    other = Organisation.objects.get(slug="globex")
    circle = make_circle(other, members=[_people()["otto"]], name="Globex circle")
    session = make_session(circle)
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "session_id": session.pk}


INSIDE = {"outsider": 404, "member": 200, "coach": 200, "admin": 404}  # admins never see inside
ORG = lambda o: {"org_slug": o.slug}  # noqa: E731
ROWS = [
    Row("coaching:runner", _session_kwargs, INSIDE),
    Row("coaching:runner", _other_organisations_session, INSIDE | {"member": 404, "coach": 404}),
    # Without the ticket the runner page hands out, the clock is 404 for everyone.
    Row("coaching:clock", _ticketless_clock, INSIDE | {"member": 404, "coach": 404}),
    Row(
        "coaching:control",
        _session_kwargs,
        INSIDE | {"member": 403, "coach": 302},
        "post",
        {"action": "start", "version": 0},
    ),
    Row("coaching:attendance", _session_kwargs, INSIDE | {"member": 403, "coach": 302}, "post"),
    Row("coaching:commit", _session_kwargs, INSIDE | {"member": 302, "coach": 302}, "post", PLEDGE),
    Row("coaching:commitments", _circle_kwargs, INSIDE),
    Row(
        "coaching:review",
        _mias_commitment,
        INSIDE | {"member": 302, "coach": 403},
        "post",
        {"outcome": "done"},
    ),
    Row("coaching:goals", ORG, expect(member=200, coach=200)),
    # Only one's own participation can be changed: any other id is 404 (tested below with one).
    Row("coaching:goals", ORG, INSIDE | {"member": 404, "coach": 404}, "post", {"participant": 0}),
    Row("coaching:questions", ORG, expect(member=200, coach=200)),
    Row(
        "coaching:questions",
        ORG,
        expect(coach=302, admin=302),
        "post",
        {"category": "goal", "text": "What matters most here?"},
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_coaching_url():
    from circlewise.coaching.urls import urlpatterns

    assert {f"coaching:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}


def test_commitments_come_back_at_the_next_sessions_check_in(organisation, member, coach):
    circle = _circle(organisation)
    mate = circle_mate(organisation)
    last, this = _two_sessions(circle)
    for user, what in ((member, "Ask before advising"), (mate, "Delegate the rota")):
        client_for(user).post(
            f"/o/acme/circles/{circle.pk}/sessions/{last.pk}/commit/", PLEDGE | {"what": what}
        )
    assert Commitment.objects.count() == 2
    run = run_for_session(session=this)
    run = run_control(run_id=run.pk, action="start", version=0, by=coach)
    run_control(run_id=run.pk, action="advance", version=run.version, by=coach)
    run_control(run_id=run.pk, action="advance", version=run.version + 1, by=coach)
    url = f"/o/acme/circles/{circle.pk}/sessions/{this.pk}/run/"
    page = client_for(member).get(url).text
    assert "Ask before advising" in page and "Delegate the rota" in page
    mine = Commitment.objects.get(user=member)
    client_for(member).post(
        f"/o/acme/circles/{circle.pk}/commitments/{mine.pk}/review/",
        {"outcome": "done", "reflection": "People solved it themselves.", "next": url},
    )
    mine.refresh_from_db()
    assert (mine.outcome, mine.reflection) == ("done", "People solved it themselves.")
    page = client_for(coach).get(url).text
    assert "Done" in page and "People solved it themselves." in page


def test_a_commitment_on_another_circles_session_is_refused(organisation, member, coach):
    mine = _circle(organisation)
    theirs = make_circle(organisation, members=[circle_mate(organisation, "zoe@acme.test")])
    their_session = make_session(theirs)
    response = client_for(member).post(
        f"/o/acme/circles/{mine.pk}/sessions/{their_session.pk}/commit/", PLEDGE, follow=True
    )
    assert "That session belongs to another circle" in response.text
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what": "a\nb"}, "one line"),
        ({"what": "x" * 301}, "at most 300 characters"),
        ({"by_when": "2001-01-01"}, "must not be before the session"),
        ({"how_know": ""}, "How I will know: This field is required."),
    ],
)
def test_it_says_what_is_wrong_with_a_commitment(organisation, member, coach, change, message):
    circle = _circle(organisation)
    session = make_session(circle)
    response = client_for(member).post(
        f"/o/acme/circles/{circle.pk}/sessions/{session.pk}/commit/", PLEDGE | change, follow=True
    )
    assert message in response.text
    assert not Commitment.objects.exists()


def test_commitments_are_for_the_circle_and_its_coach_never_admins(organisation, member, coach,
                                                                    admin):  # fmt: skip
    kwargs = _mias_commitment(organisation)
    url = f"/o/acme/circles/{kwargs['circle_id']}/commitments/"
    assert "Try" in client_for(circle_mate(organisation)).get(url).text
    assert "Try" in client_for(coach).get(url).text
    assert client_for(admin).get(url).status_code == 404
    review = f"{url}{kwargs['commitment_id']}/review/"
    refused = client_for(circle_mate(organisation)).post(review, {"outcome": "not_done"})
    assert refused.status_code == 403
    assert Commitment.objects.get().outcome == "open"


def test_the_library_holds_at_least_60_built_in_questions_in_every_phase(db):
    built_in = Question.objects.filter(organisation__isnull=True)
    assert built_in.count() >= 60
    assert set(built_in.values_list("category", flat=True)) == {
        "goal", "reality", "options", "will", "clarifying", "reflecting"
    }  # fmt: skip


def test_a_coachs_own_question_shows_in_the_circles_they_coach_only(organisation, coach, member):
    client_for(coach).post(
        "/o/acme/questions/", {"category": "options", "text": "What else could be true?"}
    )
    coached = _circle(organisation)
    other = make_circle(organisation, members=[member], name="Elm", host=member)
    from circlewise.coaching.selectors import questions_for_circle

    def texts(c):
        return set(
            questions_for_circle(circle=c, categories=("options",)).values_list("text", flat=True)
        )

    assert "What else could be true?" in texts(coached)
    assert "What else could be true?" not in texts(other)
    assert "What else could be true?" not in client_for(member).get("/o/acme/questions/").text


def test_an_admin_adds_a_question_for_a_programmes_circles(organisation, admin):
    from tests.programmes.factories import make_programme

    programme = make_programme(organisation)
    client_for(admin).post(
        "/o/acme/questions/",
        {"category": "will", "text": "Who will you tell?", "programme": programme.pk},
    )
    question = Question.objects.get(text="Who will you tell?")
    assert question.programme == programme and question.added_by is None


def test_it_refuses_a_question_with_a_line_break(organisation, coach):
    before = Question.objects.count()
    response = client_for(coach).post("/o/acme/questions/", {"category": "goal", "text": "A\nB"})
    assert "one line" in response.text and Question.objects.count() == before
    assert SessionRun.objects.count() == 0


def test_a_participant_edits_their_own_goals_only(organisation, member, coach):
    from tests.programmes.factories import make_participant, make_programme

    programme = make_programme(organisation)
    mine = make_participant(programme, member.email, user=member, goals="Delegate more.")
    theirs = make_participant(programme, coach.email, user=coach, goals="Listen.")
    client = client_for(member)
    assert "Delegate more." in client.get("/o/acme/goals/").text
    client.post(
        "/o/acme/goals/", {"participant": mine.pk, "goals": "Delegate one decision a week."}
    )
    mine.refresh_from_db()
    assert mine.goals == "Delegate one decision a week."
    refused = client.post("/o/acme/goals/", {"participant": theirs.pk, "goals": "Hijacked."})
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.goals == "Listen."
    too_long = client.post(
        "/o/acme/goals/", {"participant": mine.pk, "goals": "x" * 2001}, follow=True
    )
    assert "at most 2000 characters" in too_long.text
    mine.refresh_from_db()
    assert mine.goals == "Delegate one decision a week."
