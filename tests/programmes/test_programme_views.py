"""Creating, editing and reading programmes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from circlewise.programmes.models import Programme, ProgrammeStatus
from tests.conftest import client_for

FORM = {
    "name": "New managers 2027",
    "goal": "New managers support each other through their first year.",
    "start_date": "2027-01-04",
    "duration_months": 12,
    "cadence": "monthly",
    "session_minutes": 90,
    "min_size": 5,
    "max_size": 6,
    "format": "video",
    "with_coach": "on",
    "diversify": "Department, level, Job family",
    "same": "language, time zone band",
    "optional_attributes": "background",
    "separate_reporting_line": "on",
    "separation_depth": 2,
    "overlap_rule": "hard",
    "avoid_previous_circles": "on",
}


def _create(client, **changes):
    return client.post(reverse("programmes:create", args=["acme"]), FORM | changes)


def test_it_creates_a_programme_with_its_composition_rules(admin, organisation):
    response = _create(client_for(admin))
    programme = Programme.objects.get()
    assert response.url == reverse("programmes:detail", args=["acme", programme.pk])
    assert programme.organisation == organisation and programme.created_by == admin
    assert programme.start_date == dt.date(2027, 1, 4)
    assert programme.diversify == ["department", "level", "job_family"]
    assert programme.same == ["language", "time_zone_band"]
    assert programme.optional_attributes == ["background"]
    assert programme.asked_attributes == ["department", "level", "job_family", "background"]
    assert programme.required_attributes == ["department", "level", "job_family"]
    assert (programme.separation_depth, programme.overlap_rule) == (2, "hard")
    assert programme.status == ProgrammeStatus.DRAFT


def test_it_rejects_a_size_range_that_cannot_work(admin):
    client = client_for(admin)
    response = _create(client, min_size=6, max_size=5)
    assert "The largest circle cannot be smaller than the smallest" in response.text
    response = _create(client, min_size=2, max_size=4)
    assert "at least 3 people" in response.text
    assert not Programme.objects.exists()


def test_it_rejects_contradictory_rules(admin):
    client = client_for(admin)
    response = _create(client, same="department, language")
    assert "cannot be both diversified and the same" in response.text
    response = _create(client, same="background", diversify="department")
    assert "cannot use an attribute people may leave blank" in response.text
    response = _create(client, diversify="department!")
    assert "is not an attribute name" in response.text
    assert not Programme.objects.exists()


def test_it_edits_a_programme(admin, programme):
    url = reverse("programmes:edit", args=["acme", programme.pk])
    page = client_for(admin).get(url)
    assert 'value="department, level"' in page.text
    client_for(admin).post(url, FORM | {"name": "Renamed", "max_size": 7})
    programme.refresh_from_db()
    assert (programme.name, programme.max_size) == ("Renamed", 7)


def test_it_keeps_the_programme_unchanged_when_an_edit_is_invalid(admin, programme):
    url = reverse("programmes:edit", args=["acme", programme.pk])
    response = client_for(admin).post(url, FORM | {"name": "Renamed", "min_size": 9})
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.name == "New managers"


def test_coaches_read_programmes_without_management_actions(coach, programme):
    page = client_for(coach).get(reverse("programmes:detail", args=["acme", programme.pk]))
    assert page.status_code == 200
    assert "New managers" in page.text
    assert "Edit programme" not in page.text and "Enrol people" not in page.text


def test_admins_see_enrolment_figures_and_actions(admin, programme):
    page = client_for(admin).get(reverse("programmes:detail", args=["acme", programme.pk]))
    assert "0 enrolled" in page.text
    assert "Edit programme" in page.text and "Enrol people" in page.text


def test_it_never_shows_another_organisations_programme(outsider, programme):
    url = reverse("programmes:detail", args=["globex", programme.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_participants_find_their_circle_once_published(member, organisation, programme):
    from circlewise.circles.models import Circle, CircleMember
    from tests.programmes.factories import make_participant

    participant = make_participant(programme, member.email, user=member, ready=True)
    url = reverse("programmes:detail", args=["acme", programme.pk])
    page = client_for(member).get(url)
    assert "Intake complete" in page.text and "not published yet" in page.text
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Circle 1")
    CircleMember.objects.create(
        circle=circle, participant=participant, user=member, email=member.email
    )
    page = client_for(member).get(url)
    assert f'href="/o/acme/circles/{circle.pk}/"' in page.text


def test_it_refuses_start_dates_out_of_range_and_names_on_several_lines(admin):
    client = client_for(admin)
    response = _create(client, start_date="9999-12-31")
    assert "The start date must be between 1 January 2000 and" in response.text
    response = _create(client, start_date="1999-12-31")
    assert "The start date must be between" in response.text
    response = _create(client, name="Cohort\r\nBcc: x@evil.test")
    assert "must be on one line" in response.text
    assert not Programme.objects.exists()
