"""Outcome surveys: a schedule from the programme's dates, asked by email once and reminded once
(safe to run twice), answered from the link, changeable while open, one answer per person per
survey; "what changed" is its author's alone; aggregates survive the owner's anonymisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from circlewise.accounts.services import account_delete
from circlewise.insights import selectors, services
from circlewise.insights.errors import OutcomeError
from circlewise.insights.models import OutcomeAnswer, OutcomeRequest
from circlewise.insights.tasks import outcome_send, outcomes_plan
from circlewise.programmes.models import add_months
from tests.conftest import client_for
from tests.insights.conftest import add_circle, answer_outcome, dept
from tests.programmes.factories import make_programme

GOOD = {"goal_progress": "4", "confidence": "3", "not_alone": "5", "support": "4", "skills": "2"}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _running(organisation, *, wave: str = "start", status: str = "published"):
    """A 12-month programme whose ``wave`` survey is open today."""
    today = timezone.localdate()
    start = {
        "start": today - dt.timedelta(days=2),
        "mid": add_months(today, -6) - dt.timedelta(days=1),
        "end": add_months(today, -12) + dt.timedelta(days=5),
    }[wave]
    return make_programme(organisation, start_date=start, status=status)


def _with_people(programme, count=6):
    _, _, users = add_circle(programme, people=[dept("Sales")] * count, name="Oak", answered=0)
    return users


def _request(programme, user, wave="start"):
    return OutcomeRequest.objects.get_or_create(programme=programme, wave=wave, user=user)[0]


def _link(mail) -> str:
    return next(line for line in mail.body.splitlines() if "/outcomes/" in line).strip()


def test_it_derives_the_schedule_from_the_programmes_dates(organisation):
    programme = make_programme(organisation, start_date=dt.date(2027, 1, 4), duration_months=12)
    start, mid, end = selectors.outcome_schedule(programme=programme)
    assert (start.opens_on, start.closes_on, start.reminds_on) == (
        dt.date(2027, 1, 4), dt.date(2027, 1, 17), dt.date(2027, 1, 13))  # fmt: skip
    assert mid.opens_on == dt.date(2027, 7, 5)  # halfway through 365 days
    assert (end.opens_on, end.closes_on) == (dt.date(2027, 12, 21), dt.date(2028, 1, 10))


def test_it_keeps_a_short_programmes_surveys_apart(organisation):
    programme = make_programme(organisation, start_date=dt.date(2027, 2, 1), duration_months=1)
    start, mid, end = selectors.outcome_schedule(programme=programme)
    assert start.closes_on < mid.opens_on and mid.closes_on < end.opens_on


def test_it_asks_each_participant_once_and_reminds_once(organisation, mailoutbox):
    programme = _running(organisation)
    users = _with_people(programme)
    window = selectors.outcome_window(programme=programme, wave="start")
    assert services.outcome_emails(programme_id=programme.pk, wave="start") == 6
    assert services.outcome_emails(programme_id=programme.pk, wave="start") == 0  # twice: no more
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    link = _link(mailoutbox[0])
    assert link.startswith("http") and "/outcomes/" in link
    answer_outcome(programme, users[0])
    mailoutbox.clear()
    on = window.reminds_on
    assert services.outcome_emails(programme_id=programme.pk, wave="start", today=on) == 5
    assert services.outcome_emails(programme_id=programme.pk, wave="start", today=on) == 0
    assert users[0].email not in [m.to[0] for m in mailoutbox]
    assert all("closes" in m.subject for m in mailoutbox)


def test_it_sends_nothing_outside_the_window(organisation, mailoutbox):
    programme = _running(organisation)
    _with_people(programme)
    window = selectors.outcome_window(programme=programme, wave="mid")
    assert services.outcome_emails(programme_id=programme.pk, wave="mid") == 0
    after = window.closes_on + dt.timedelta(days=1)
    assert services.outcome_emails(programme_id=programme.pk, wave="mid", today=after) == 0
    assert not mailoutbox and not OutcomeRequest.objects.filter(wave="mid").exists()


def test_it_releases_the_claim_when_the_mail_server_refuses(organisation, monkeypatch):
    programme = _running(organisation)
    _with_people(programme, count=1)
    monkeypatch.setattr(services, "send_templated", lambda **kwargs: 0)
    assert services.outcome_emails(programme_id=programme.pk, wave="start") == 0
    assert OutcomeRequest.objects.get().emailed_at is None  # the next run tries again


def test_it_plans_open_surveys_with_work_only(organisation, mailoutbox, immediate_tasks):
    programme = _running(organisation)
    _with_people(programme)
    make_programme(organisation, name="Draft", start_date=programme.start_date)  # a draft
    assert outcomes_plan() == 1
    assert len(mailoutbox) == 6
    assert outcomes_plan() == 0  # everyone asked, no reminder due yet
    assert outcome_send.enqueue(programme.pk, "start").return_value == 0


def test_it_takes_and_changes_an_answer_from_the_link_without_logging_in(organisation, member):
    programme = _running(organisation)
    users = _with_people(programme, count=1)
    request = _request(programme, users[0])
    url = reverse("insights:outcome", args=[request.token])
    client = Client()
    page = client.get(url).content.decode()
    assert "confident as a leader" in page and "1 = strongly disagree" in page
    assert client.post(url, GOOD).status_code == 302
    assert client.post(url, GOOD | {"skills": "5"}).status_code == 302
    answer = OutcomeAnswer.objects.get()
    assert (answer.skills, answer.confidence, answer.recommend) == (5, 3, None)
    assert answer.department == "Sales" and answer.circle.name == "Oak"
    # Another person logged in cannot open it (a forwarded link).
    assert client_for(member).get(url).status_code == 404


def test_it_shows_the_persons_own_goals(organisation):
    programme = _running(organisation)
    users = _with_people(programme, count=1)
    programme.participants.filter(user=users[0]).update(goals="Delegate more & sleep")
    page = Client().get(reverse("insights:outcome", args=[_request(programme, users[0]).token]))
    assert "Delegate more &amp; sleep" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GOOD | {"confidence": "6"}, "choose a number from 1 to 5"),
        ({k: v for k, v in GOOD.items() if k != "skills"}, "choose a number from 1 to 5"),
        (GOOD | {"recommend": "maybe"}, "Choose yes or no"),
        (GOOD | {"recommend": "yes", "changed": "x\x00"}, "NUL"),
        (GOOD | {"recommend": "yes", "changed": "x" * 2001}, "the most is 2000"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(organisation, data, message):
    programme = _running(organisation, wave="end")
    users = _with_people(programme, count=1)
    url = reverse("insights:outcome", args=[_request(programme, users[0], "end").token])
    response = Client().post(url, data, follow=True)
    assert message in response.content.decode()
    assert not OutcomeAnswer.objects.exists()


def test_it_asks_the_end_survey_for_a_recommendation_and_what_changed(organisation):
    programme = _running(organisation, wave="end")
    users = _with_people(programme, count=1)
    url = reverse("insights:outcome", args=[_request(programme, users[0], "end").token])
    assert "Would you recommend" in Client().get(url).content.decode()
    Client().post(url, GOOD | {"recommend": "no", "changed": "I ask for help now."})
    answer = OutcomeAnswer.objects.get()
    assert answer.recommend is False and answer.changed == "I ask for help now."


def test_it_refuses_answers_before_and_after_the_window(organisation):
    programme = _running(organisation)
    users = _with_people(programme, count=1)
    window = selectors.outcome_window(programme=programme, wave="start")
    request = _request(programme, users[0])
    scores = dict.fromkeys(selectors.OUTCOME_ITEMS, 3)
    for day in (window.opens_on - dt.timedelta(days=1), window.closes_on + dt.timedelta(days=1)):
        with pytest.raises(OutcomeError):
            services.outcome_answer(request=request, by=users[0], scores=scores, today=day)
    with pytest.raises(OutcomeError, match="someone else"):
        services.outcome_answer(request=request, by=_other(), scores=scores)


def _other():
    from tests.conftest import make_user

    return make_user("someone@acme.test")


def test_it_keeps_one_answer_per_person_per_survey(organisation):
    programme = _running(organisation)
    users = _with_people(programme, count=1)
    answer_outcome(programme, users[0], score=2)
    answer_outcome(programme, users[0], score=5)
    assert OutcomeAnswer.objects.get().goal_progress == 5


def test_it_lists_an_open_survey_on_the_participants_home_page(organisation):
    from circlewise.organisations.models import Membership

    programme = _running(organisation)
    users = _with_people(programme, count=1)
    request = _request(programme, users[0])
    assert Membership.objects.filter(user=users[0], organisation=organisation).exists()
    home = client_for(users[0]).get(reverse("organisations:dashboard", args=["acme"]))
    assert reverse("insights:outcome", args=[request.token]) in home.content.decode()
    surveys = client_for(users[0]).get(reverse("insights:my_pulses", args=["acme"]))
    assert reverse("insights:outcome", args=[request.token]) in surveys.content.decode()


def test_it_gives_the_owner_their_answers_as_plain_data(organisation):
    programme = _running(organisation, wave="end")
    users = _with_people(programme, count=1)
    answer_outcome(programme, users[0], wave="end", score=4, recommend="yes", changed="Calmer")
    [data] = selectors.outcome_answers_of(user=users[0])
    assert data["survey"] == "end" and data["goal_progress"] == 4
    assert data["would_recommend"] is True and data["what_changed"] == "Calmer"
    assert selectors.outcome_answers_of(user=_other()) == []


def test_it_keeps_every_figure_when_a_respondent_is_anonymised(organisation, programme):
    _, _, users = add_circle(programme, people=[dept("Sales")] * 6, name="Oak", answered=0)
    for index, user in enumerate(users):
        answer_outcome(programme, user, wave="end", score=1 + index % 5, changed="mine")
    before = selectors.programme_insights(programme=programme).outcomes
    account_delete(user=users[0])
    cache.clear()  # computed afresh, not read from the cache
    after = selectors.programme_insights(programme=programme).outcomes
    assert after.rows == before.rows
    assert after.overall("end").respondents == 6
    # What the person wrote and their link to the answer are gone; the scores stay.
    kept = OutcomeAnswer.objects.get(pk__in=OutcomeAnswer.objects.filter(user=None).values("pk"))
    assert (kept.user_id, kept.request_id, kept.changed) == (None, None, "")
    assert not OutcomeRequest.objects.filter(user=users[0]).exists()


def test_it_recomputes_the_figures_when_an_answer_changes_or_a_circle_is_renamed(
    organisation, programme
):
    circle, _, users = add_circle(programme, people=[dept("Sales")] * 5, name="Oak", answered=0)
    for user in users:
        answer_outcome(programme, user, score=2)

    def figures():
        outcomes = selectors.programme_insights(programme=programme).outcomes
        return outcomes.overall("start").items["goal_progress"].value, [
            row.label for row in outcomes.rows["start"]["circle"]
        ]

    assert figures() == (2.0, ["Oak"])
    answer_outcome(programme, users[0], score=5)  # changed: (4 x 2 + 5) / 5
    assert figures() == (2.6, ["Oak"])
    circle.name = "Elm"
    circle.save()
    assert figures() == (2.6, ["Elm"])
    OutcomeAnswer.objects.filter(user=users[1]).delete()  # four left: withheld
    assert figures()[0] is None


def test_it_keeps_what_was_typed_when_an_answer_is_refused(organisation):
    programme = _running(organisation, wave="end")
    users = _with_people(programme, count=1)
    url = reverse("insights:outcome", args=[_request(programme, users[0], "end").token])
    sent = GOOD | {"confidence": "6", "recommend": "yes", "changed": "I delegate more now"}
    page = Client().post(url, sent).content.decode()
    assert "choose a number from 1 to 5" in page
    assert "I delegate more now</textarea>" in page  # nothing the person wrote is lost
    assert 'name="recommend" value="yes" required checked' in page
    assert not OutcomeAnswer.objects.exists()
