"""The pulse after a session: asked by email once, answered from the link in one click,
changeable for 7 days, one answer per person; comments for the coach alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from circlewise.insights import services
from circlewise.insights.errors import PulseError
from circlewise.insights.models import PulseAnswer, PulseRequest
from circlewise.insights.tasks import pulse_send, pulses_plan
from tests.circle_fixtures import circle_mate, make_circle, make_session
from tests.conftest import client_for
from tests.insights.conftest import add_circle, answer, dept

GOOD = {"usefulness": "5", "speak_up": "4", "heard": "4", "trust": "3"}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def held(organisation, member, coach):
    """Mia's circle (coached by Cody) with a session that ended an hour ago."""
    circle = make_circle(organisation, members=[member, circle_mate(organisation)], coach=coach)
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    return make_session(circle, starts_at=starts)


def _link(mail) -> str:
    return next(line for line in mail.body.splitlines() if "/pulse/" in line).strip()


def test_it_emails_each_attendee_once_with_a_link(held, member, mailoutbox, immediate_tasks):
    from circlewise.coaching.models import Attendance

    Attendance.objects.create(session=held, user=member, status="present")
    Attendance.objects.create(session=held, user=circle_mate(held.circle.organisation),
                              status="absent")  # fmt: skip
    assert pulse_send.enqueue(held.pk).return_value == 1
    assert pulse_send.enqueue(held.pk).return_value == 0  # run twice: still one email
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "/pulse/" in _link(mailoutbox[0])


def test_it_asks_every_member_not_excused_when_attendance_was_not_taken(held, mailoutbox):
    assert services.pulse_email(session_id=held.pk) == 2


def test_it_plans_pulses_for_sessions_that_ended_and_not_for_future_ones(
    held, mailoutbox, immediate_tasks
):
    make_session(held.circle, starts_at=timezone.now() + dt.timedelta(days=3), number=2)
    assert pulses_plan() == 1
    assert PulseRequest.objects.filter(session=held).count() == 2
    assert pulses_plan() == 0


def test_it_opens_the_survey_from_the_emailed_link_in_one_click(held, member, mailoutbox):
    services.pulse_email(session_id=held.pk)
    mail = next(m for m in mailoutbox if m.to == [member.email])
    path = _link(mail).split("testserver")[-1].split("://", 1)[-1]
    path = path[path.index("/pulse/") :]
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and b'data-testid="pulse-form"' in page.content
    response = anonymous.post(path, {**GOOD, "comment": "Good pace"})
    assert response.status_code == 302
    saved = PulseAnswer.objects.get(user=member)
    assert (saved.usefulness, saved.trust, saved.comment) == (5, 3, "Good pace")


def test_it_refuses_someone_else_logged_in_with_the_link(held, member, coach):
    pulse = PulseRequest.objects.create(session=held, user=member)
    url = reverse("insights:pulse", args=[pulse.token])
    assert client_for(coach).get(url).status_code == 404
    assert Client().get(reverse("insights:pulse", args=["not-a-token"])).status_code == 404


def test_it_keeps_one_answer_per_person_and_lets_it_change_for_seven_days(held, member):
    pulse = PulseRequest.objects.create(session=held, user=member)
    services.pulse_answer(pulse=pulse, by=member, scores=GOOD)
    services.pulse_answer(pulse=pulse, by=member, scores={**GOOD, "usefulness": 2})
    assert list(PulseAnswer.objects.values_list("usefulness", flat=True)) == [2]
    late = held.ends_at + services.CHANGE_WINDOW + dt.timedelta(minutes=1)
    with pytest.raises(PulseError, match="closed"):
        services.pulse_answer(pulse=pulse, by=member, scores=GOOD, now=late)
    assert PulseAnswer.objects.get().usefulness == 2


@pytest.mark.parametrize(
    ("scores", "comment", "message"),
    [
        ({**GOOD, "heard": "6"}, "", "I felt heard: choose a number from 1 to 5"),
        ({**GOOD, "trust": ""}, "", "choose a number"),
        (GOOD, "bad\x00", "NUL"),
        (GOOD, "x" * 1001, "the most is 1000"),
    ],
)
def test_it_refuses_bad_answers_and_saves_nothing(held, member, scores, comment, message):
    pulse = PulseRequest.objects.create(session=held, user=member)
    with pytest.raises(PulseError, match=message):
        services.pulse_answer(pulse=pulse, by=member, scores=scores, comment=comment)
    assert not PulseAnswer.objects.exists()


def test_it_shows_a_bad_answer_as_a_message_on_the_page(held, member):
    pulse = PulseRequest.objects.create(session=held, user=member)
    url = reverse("insights:pulse", args=[pulse.token])
    page = client_for(member).post(url, {**GOOD, "speak_up": "9"}, follow=True)
    assert b"choose a number from 1 to 5" in page.content
    assert not PulseAnswer.objects.exists()


def test_it_lists_my_open_surveys_in_the_app(held, member):
    PulseRequest.objects.create(session=held, user=member)
    page = client_for(member).get(reverse("insights:my_pulses", args=["acme"]))
    assert held.circle.name.encode() in page.content and b"waiting for you" in page.content


def test_it_shows_the_coach_the_comments_written_for_them(organisation, coach, admin):
    from tests.programmes.factories import make_programme

    programme = make_programme(organisation)
    circle, session, users = add_circle(programme, people=[dept("Sales")] * 6, name="Oak",
                                        coach=coach, answered=5)  # fmt: skip
    answer(session, users[5], comment="Please start on time")
    url = reverse("insights:circle", args=["acme", circle.pk])
    page = client_for(coach).get(url).content.decode()
    assert "Please start on time" in page and "4.0" in page
    assert users[5].name not in page
    assert client_for(admin).get(url).status_code == 403


def test_it_keeps_a_self_run_circles_comment_private_unless_shared(organisation, member):
    from circlewise.insights.selectors import circle_comments

    mate = circle_mate(organisation)
    circle = make_circle(organisation, members=[member, mate], host=member)
    session = make_session(circle, starts_at=timezone.now() - dt.timedelta(hours=3))
    private = answer(session, mate, comment="Just for me")
    assert circle_comments(circle=circle, user_id=member.pk) == []
    private.comment_shared = True
    private.save()
    assert [a.comment for a in circle_comments(circle=circle, user_id=member.pk)] == ["Just for me"]


def test_it_keeps_what_was_typed_when_an_answer_is_refused(held, member):
    pulse = PulseRequest.objects.create(session=held, user=member)
    url = reverse("insights:pulse", args=[pulse.token])
    sent = {**GOOD, "speak_up": "9", "comment": "Sam's turn ran long"}
    page = client_for(member).post(url, sent).content.decode()
    assert "choose a number from 1 to 5" in page
    assert "Sam&#x27;s turn ran long</textarea>" in page  # nothing the person wrote is lost
    assert 'value="3" required checked' in page  # the scores they chose stay chosen
    assert not PulseAnswer.objects.exists()
