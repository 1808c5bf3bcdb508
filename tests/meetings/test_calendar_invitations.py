"""Calendar invitations: every .ics parses with ``icalendar``; UID stays, SEQUENCE grows; a moved
session gets a RECURRENCE-ID, a cancelled one METHOD:CANCEL; emails carry them, sent once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from circlewise.meetings import services
from circlewise.meetings.models import SessionSeries
from circlewise.meetings.tasks import notify_series_task
from tests.conftest import client_for
from tests.meetings.conftest import london_schedule

LONDON = ZoneInfo("Europe/London")


def _parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def _download(user, series: SessionSeries) -> Calendar:
    response = client_for(user).get(f"/o/acme/circles/{series.circle_id}/invitation.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return _parse(response.content)


def _events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def _attachment(message) -> Calendar:
    (name, content, mimetype), *_ = message.attachments
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    return _parse(content.encode() if isinstance(content, str) else content)


def test_it_builds_the_series_invitation(scheduled, member):
    calendar = _download(member, scheduled)
    assert str(calendar["METHOD"]) == "REQUEST"
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/London"
    (event,) = _events(calendar)
    assert str(event["UID"]) == scheduled.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 12, 16, 0, tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYDAY"] == ["2TU"] and rule["COUNT"] == [6]
    assert str(event["ORGANIZER"]) == "mailto:cody@acme.test"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == sorted(
        f"mailto:{e}@acme.test" for e in ("dev", "nour", "ana", "mia", "cody")
    )
    assert str(event["URL"]) == "https://meet.example.org/oak"


def test_it_keeps_the_local_time_across_daylight_saving(scheduled):
    """16:00 in London is 16:00 GMT in January and 16:00 BST in April (15:00 UTC)."""
    starts = [s.starts_at for s in scheduled.sessions.order_by("number")]
    assert starts[0] == dt.datetime(2027, 1, 12, 16, 0, tzinfo=dt.UTC)
    assert starts[3] == dt.datetime(2027, 4, 13, 15, 0, tzinfo=dt.UTC)
    assert {s.astimezone(LONDON).time() for s in starts} == {dt.time(16, 0)}


def test_it_keeps_the_uid_and_increases_the_sequence_on_every_change(
    scheduled, coach, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.series_set(
            circle=scheduled.circle, by=coach, schedule=london_schedule(start_time=dt.time(17, 0))
        )
    (event,) = _events(_download(member, scheduled))
    assert str(event["UID"]) == scheduled.uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").time() == dt.time(17, 0)
    (message, *_) = mail.outbox
    (attached,) = _events(_attachment(message))
    assert attached["SEQUENCE"] == 1 and str(attached["UID"]) == scheduled.uid


def test_it_sends_a_moved_session_as_an_instance_with_its_recurrence_id(
    scheduled, coach, member, django_capture_on_commit_callbacks
):
    second = scheduled.sessions.get(number=2)
    new_start = dt.datetime(2027, 2, 10, 9, 30, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(
            session=second, by=coach, starts_at=new_start, duration_minutes=60,
            format="place", place="Room 4, Leeds office",
        )  # fmt: skip
    master, moved = _events(_download(member, scheduled))
    assert "RECURRENCE-ID" not in master and master["SEQUENCE"] == 1
    assert str(moved["UID"]) == scheduled.uid and moved["SEQUENCE"] == 1
    assert moved.decoded("RECURRENCE-ID") == dt.datetime(2027, 2, 9, 16, 0, tzinfo=LONDON)
    assert moved.decoded("DTSTART") == new_start
    assert moved.decoded("DTEND") == new_start + dt.timedelta(minutes=60)
    assert str(moved["LOCATION"]) == "Room 4, Leeds office" and "URL" not in moved
    # The rest of the series is untouched.
    assert scheduled.sessions.filter(changed_at__isnull=False).count() == 1
    assert len(mail.outbox) == 5  # four members and the coach, each with the update
    assert len(_events(_attachment(mail.outbox[0]))) == 2


def test_it_cancels_one_session_with_method_cancel(
    scheduled, coach, member, django_capture_on_commit_callbacks
):
    third = scheduled.sessions.get(number=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=third, by=coach)
    cancel = _attachment(mail.outbox[0])
    assert str(cancel["METHOD"]) == "CANCEL"
    (event,) = _events(cancel)
    assert str(event["UID"]) == scheduled.uid and event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("RECURRENCE-ID") == dt.datetime(2027, 3, 9, 16, 0, tzinfo=LONDON)
    assert "Cancelled" in mail.outbox[0].subject
    # The full invitation now leaves that occurrence out, and keeps the others.
    (master,) = _events(_download(member, scheduled))
    excluded = [d.dt for d in master["EXDATE"].dts]
    assert excluded == [dt.datetime(2027, 3, 9, 16, 0, tzinfo=LONDON)]
    assert scheduled.sessions.filter(status="scheduled").count() == 5


def test_it_cancels_the_whole_series_with_method_cancel(
    scheduled, coach, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.series_cancel(series=scheduled, by=coach)
    for calendar in (_attachment(mail.outbox[0]), _download(member, scheduled)):
        assert str(calendar["METHOD"]) == "CANCEL"
        (event,) = _events(calendar)
        assert str(event["UID"]) == scheduled.uid and event["SEQUENCE"] == 1
        assert str(event["STATUS"]) == "CANCELLED"
        assert "RECURRENCE-ID" not in event


def test_it_sends_each_invitation_once_even_when_the_task_runs_twice(
    circle, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series = services.series_set(circle=circle, by=coach, schedule=london_schedule())
    assert len(mail.outbox) == 5
    notify_series_task.call(series_id=series.pk, sequence=series.sequence)
    assert len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{e}@acme.test" for e in ("ana", "cody", "dev", "mia", "nour")
    )


def test_it_shows_each_recipient_the_times_in_their_own_zone(
    scheduled, circle, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.series_set(circle=circle, by=coach, schedule=london_schedule(count=3))
    body = {m.to[0]: m.body for m in mail.outbox}
    assert "Tuesday 12 January 2027, 16:00\N{EN DASH}17:30" in body["dev@acme.test"]
    assert "Tuesday 12 January 2027, 11:00\N{EN DASH}12:30" in body["ana@acme.test"]
    assert "America/New_York" in body["ana@acme.test"]


def test_it_leaves_out_people_who_turned_off_circle_updates(
    circle, coach, django_capture_on_commit_callbacks
):
    from circlewise.accounts.models import User

    User.objects.filter(email="dev@acme.test").update(notify_circle_updates=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.series_set(circle=circle, by=coach, schedule=london_schedule())
    assert "dev@acme.test" not in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"video_url": "javascript:alert(1)"}, "starting with https://"),
        ({"video_url": "meet.example.org/oak"}, "starting with https://"),
        ({"video_url": "https://x.example/\nBCC"}, "on one line"),
        ({"format": "place", "place": ""}, "Say where"),
        ({"format": "place", "place": "Room\x004"}, "NUL character"),
        ({"format": "place", "place": "Room\u20284"}, "on one line"),
        ({"format": "place", "place": "x" * 201}, "the most is 200"),
        ({"starts_on": dt.date(2020, 1, 1)}, "in the future"),
        ({"time_zone": "Mars/Olympus"}, "not a time zone"),
        ({"count": 0}, "between 1 and"),
        ({"duration_minutes": 5}, "between 15 and 480"),
        ({"week_of_month": 7}, "week of the month"),
    ],
)
def test_it_refuses_a_bad_schedule_and_changes_nothing(circle, coach, changes, message):
    with pytest.raises(services.MeetingError, match=message):
        services.series_set(circle=circle, by=coach, schedule=london_schedule(**changes))
    assert not SessionSeries.objects.exists()
    assert not mail.outbox


def test_it_writes_plain_text_emails_and_only_the_time_zone_rules_it_needs(
    circle, coach, django_capture_on_commit_callbacks
):
    circle.name = "Dev's <circle>"
    circle.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_set(circle=circle, by=coach, schedule=london_schedule())
    message = mail.outbox[0]
    assert "Dev's <circle>" in message.subject and "Dev's <circle>" in message.body
    assert "Can't make a session?" in message.body
    (timezone,) = _attachment(message).walk("VTIMEZONE")
    years = {component.decoded("DTSTART").year for component in timezone.subcomponents}
    assert min(years) >= 2025 and max(years) <= 2029


def test_it_names_the_next_sessions_coachees_in_the_invitation(
    circle, coach, member, django_capture_on_commit_callbacks
):
    circle.coachees_per_session = 2
    circle.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_set(circle=circle, by=coach, schedule=london_schedule())
    line = "Coachees on 12 January 2027: Dev and Nour"
    assert all(line in message.body for message in mail.outbox)
    (event,) = _events(_download(member, SessionSeries.objects.get(circle=circle)))
    assert line in str(event["DESCRIPTION"])


def test_it_names_attendees_by_name_or_by_the_address_it_invites(scheduled, member):
    from circlewise.circles.models import CircleMember

    CircleMember.objects.create(circle=scheduled.circle, email="nameless@elsewhere.test")
    (event,) = _events(_download(member, scheduled))
    names = {str(a): a.params["CN"] for a in event["ATTENDEE"]}
    assert names["mailto:dev@acme.test"] == "Dev"
    assert names["mailto:nameless@elsewhere.test"] == "nameless@elsewhere.test"
