"""Reminders, "starting now" and midway nudges: sent once, at the right local time, caught up
once after the worker was down, never twice (two runs, or a run interrupted mid-batch)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.core import mail

from circlewise.coaching import notices
from circlewise.coaching.models import Commitment, Notice, NoticeStatus
from circlewise.coaching.notices import notices_plan, notices_send_due
from tests.circle_fixtures import circle_mate, make_circle, make_session

T = dt.datetime(2027, 3, 9, 16, 0, tzinfo=dt.UTC)  # the session starts (17:00 in Berlin)


@pytest.fixture
def circle(organisation, member, coach):
    member.time_zone = "Europe/Berlin"
    member.save()
    mates = [circle_mate(organisation, f"m{n}@acme.test") for n in range(4)]
    return make_circle(organisation, members=[member, *mates], coach=coach)


@pytest.fixture
def session(circle):
    return make_session(circle, starts_at=T)


def _run(at: dt.datetime) -> int:
    notices_plan(now=at)
    return notices_send_due(now=at)


def _sent(kind: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if kind in m.subject)


def test_it_sends_each_reminder_once_when_the_scheduler_runs_twice(session):
    assert _run(T - dt.timedelta(hours=24)) == 6  # five members and the coach
    assert _run(T - dt.timedelta(hours=24)) == 0
    assert _run(T - dt.timedelta(hours=23)) == 0
    assert len(_sent("Tomorrow")) == 6 == len(set(_sent("Tomorrow")))
    assert Notice.objects.filter(kind="reminder").count() == 6


def test_the_reminder_gives_the_local_time_and_the_session_link(session, member):
    _run(T - dt.timedelta(hours=24))
    body = next(m.body for m in mail.outbox if m.to == [member.email])
    assert "Tuesday 9 March 2027, 17:00 (Europe/Berlin)" in body
    assert "https://meet.example.org/oak" in body
    assert f"/circles/{session.circle_id}/sessions/{session.pk}/run/" in body


def test_a_worker_restart_catches_up_missed_reminders_once(session):
    # The worker was down from a day and a half before until two hours before the session.
    assert _run(T - dt.timedelta(hours=36)) == 0  # nothing planned or due yet
    assert _run(T - dt.timedelta(hours=2)) == 6
    assert _run(T - dt.timedelta(hours=1)) == 0
    assert _run(T - dt.timedelta(minutes=10)) == 6  # "starting now"
    assert _run(T + dt.timedelta(minutes=30)) == 0
    assert len(_sent("Tomorrow")) == 6 and len(_sent("Starting now")) == 6


def test_a_reminder_missed_until_the_session_began_is_skipped_not_sent_late(session):
    notices_plan(now=T - dt.timedelta(hours=25))
    assert notices_send_due(now=T + dt.timedelta(minutes=5)) == 6  # only "starting now"
    assert _sent("Tomorrow") == []
    assert set(
        Notice.objects.filter(kind="reminder").values_list("skipped_because", flat=True)
    ) == {"the session had already begun"}


def test_an_interrupted_batch_never_sends_twice(session):
    notices_plan(now=T - dt.timedelta(hours=25))
    real = notices.send_templated
    calls = {"n": 0}

    def dies_on_the_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the worker is killed while sending
        return real(**kwargs)

    killed = pytest.raises(KeyboardInterrupt)
    with mock.patch.object(notices, "send_templated", dies_on_the_third), killed:
        notices_send_due(now=T - dt.timedelta(hours=24))
    assert len(mail.outbox) == 2
    assert notices_send_due(now=T - dt.timedelta(hours=24)) == 3  # the rest, after the restart
    assert notices_send_due(now=T - dt.timedelta(hours=24)) == 0
    recipients = _sent("Tomorrow")
    assert len(recipients) == len(set(recipients)) == 5
    # The one in flight when the worker died stays claimed: at most once, never twice.
    assert Notice.objects.filter(kind="reminder", status=NoticeStatus.SENDING).count() == 1


def test_a_refused_email_is_tried_again_on_the_next_run(session):
    notices_plan(now=T - dt.timedelta(hours=25))
    with mock.patch.object(notices, "send_templated", return_value=0):  # the server refused
        assert notices_send_due(now=T - dt.timedelta(hours=24)) == 0
    assert notices_send_due(now=T - dt.timedelta(hours=24)) == 6


def test_the_midway_nudge_comes_at_nine_in_the_members_time_zone_once(circle, member):
    member.time_zone = "America/New_York"
    member.save()
    made_at = make_session(circle, starts_at=T, number=1)
    commitment = Commitment.objects.create(
        circle=circle, session=made_at, user=member, what="Ask first", how_know="Notes",
        by_when=dt.date(2027, 3, 29),
    )  # fmt: skip
    nine = dt.datetime(2027, 3, 19, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    notices_plan(now=T + dt.timedelta(hours=2))
    assert notices_send_due(now=nine - dt.timedelta(minutes=1)) == 0
    assert notices_send_due(now=nine) == 1
    assert notices_send_due(now=nine + dt.timedelta(days=1)) == 0
    notices_plan(now=nine + dt.timedelta(days=1))  # planning again does not make a second one
    assert notices_send_due(now=nine + dt.timedelta(days=2)) == 0
    assert commitment.notices.get().sent_at is not None
    assert "Ask first" in mail.outbox[0].body and mail.outbox[0].to == [member.email]


def test_nobody_who_turned_reminders_off_is_emailed(circle, session, member):
    member.notify_reminders = False
    member.save()
    Commitment.objects.create(
        circle=circle, session=session, user=member, what="Ask", how_know="Notes",
        by_when=dt.date(2027, 3, 11),
    )  # fmt: skip
    _run(T - dt.timedelta(hours=24))
    _run(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC))
    assert member.email not in [m.to[0] for m in mail.outbox]
    assert set(Notice.objects.filter(user=member).values_list("skipped_because", flat=True)) == {
        "the person turned reminders off"
    }


def test_a_marked_commitment_gets_no_nudge(circle, session, member):
    Commitment.objects.create(
        circle=circle, session=session, user=member, what="Ask", how_know="Notes",
        by_when=dt.date(2027, 3, 19), outcome="done",
    )  # fmt: skip
    _run(dt.datetime(2027, 3, 15, 12, tzinfo=dt.UTC))
    assert not [m for m in mail.outbox if "Halfway" in m.subject]


def test_the_tick_task_runs_the_scheduler(session, settings):
    from circlewise.coaching.tasks import notices_tick

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with mock.patch.object(notices, "timezone") as clock:
        clock.now.return_value = T - dt.timedelta(hours=24)
        result = notices_tick.enqueue()
    assert result.return_value == 6


def test_the_reminder_names_the_coachee(circle, session, member):
    member.name = "Mia O'Neil"
    member.save()
    _run(T - dt.timedelta(hours=24))
    body = next(m.body for m in mail.outbox if m.to == [member.email])
    assert "Coachee: Mia O'Neil\n" in body  # plain text: nothing escaped
