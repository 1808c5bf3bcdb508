"""Demo data: published demo circles get a chosen schedule once; loading again changes nothing."""

from __future__ import annotations

from django.core.management import call_command

from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings.models import Session, SessionSeries
from circlewise.programmes.models import Programme


def test_it_gives_demo_circles_a_schedule_once(db):
    call_command("load_demo")
    programme = Programme.objects.get(organisation__slug="northwind", name="New managers 2027")
    circle = Circle.objects.create(
        organisation=programme.organisation, programme=programme, name="Demo Oak",
        coach=programme.organisation.memberships.get(user__email="coach@northwind.example").user,
    )  # fmt: skip
    for participant in programme.participants.order_by("pk")[:6]:
        CircleMember.objects.create(
            circle=circle, participant=participant, user=participant.user, email=participant.email
        )
    call_command("load_demo")
    series = SessionSeries.objects.get(circle=circle)
    assert series.organiser.email == "coach@northwind.example"
    assert series.count == programme.duration_months == circle.sessions.count()
    assert series.video_url.startswith("https://meet.northwind.example/")
    assert series.notified_sequence == series.sequence  # the demo sends no emails
    before = list(Session.objects.values_list("pk", "starts_at"))
    call_command("load_demo")
    assert list(Session.objects.values_list("pk", "starts_at")) == before
    assert SessionSeries.objects.get(circle=circle).sequence == 0
