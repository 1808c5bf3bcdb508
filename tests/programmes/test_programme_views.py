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


def _publish(programme, organisation, *participants):
    from circlewise.circles.models import Circle, CircleMember

    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Circle 1")
    for participant in participants:
        CircleMember.objects.create(
            circle=circle, participant=participant, user=participant.user, email=participant.email
        )
    return circle


def test_it_shows_the_published_state_and_what_comes_next_instead_of_form_circles(
    admin, organisation, programme
):
    from tests.programmes.factories import make_participant

    seated = make_participant(programme, "seated@acme.test", ready=True)
    make_participant(programme, "late@acme.test", ready=True)
    url = reverse("programmes:detail", args=["acme", programme.pk])
    assert "Form circles" in client_for(admin).get(url).text
    _publish(programme, organisation, seated)
    page = client_for(admin).get(url).text
    assert "Form circles" not in page
    assert "1 circle</span>" in page
    assert "1 person is waiting for a circle" in page
    assert "Manage the circles" in page


def test_it_tells_a_late_joiner_what_happens_next(member, organisation, programme):
    from tests.programmes.factories import make_participant

    participant = make_participant(programme, member.email, user=member, ready=True)
    _publish(programme, organisation)
    url = reverse("programmes:detail", args=["acme", programme.pk])
    page = client_for(member).get(url).text
    assert "not published yet" not in page
    assert "Circles formed before you joined" in page
    participant.intake_completed_at = None
    participant.save()
    assert "Complete your intake so the programme" in client_for(member).get(url).text


def test_it_fills_the_edit_form_with_an_iso_start_date(admin, programme, settings):
    settings.LANGUAGE_CODE = "en-us"  # a locale whose date format is 01/04/2027
    response = client_for(admin).get(reverse("programmes:edit", args=["acme", programme.pk]))
    assert 'type="date"' in response.text
    assert 'value="2027-01-04"' in response.text


def test_it_starts_a_new_programme_with_attributes_to_diversify(admin):
    response = client_for(admin).get(reverse("programmes:create", args=["acme"]))
    assert 'value="department, level, location"' in response.text


def test_it_saves_weights_per_attribute(admin):
    _create(client_for(admin), weights="department 2, Level: 0.5")
    programme = Programme.objects.get()
    assert programme.weights == {"department": 2.0, "level": 0.5}
    assert programme.diversify_summary == ("department (weight 2), level (weight 0.5), job_family")


def test_it_refuses_a_weight_for_an_attribute_not_diversified(admin):
    response = _create(client_for(admin), weights="background 3")
    assert "only attributes to diversify can have a weight" in response.text
    assert not Programme.objects.exists()


def test_it_refuses_a_weight_that_is_not_a_number(admin):
    response = _create(client_for(admin), weights="department twice")
    assert "write an attribute and a number" in response.text
    assert not Programme.objects.exists()


def test_it_refuses_a_weight_out_of_range(admin):
    response = _create(client_for(admin), weights="department 11")
    assert "at most 10" in response.text
    assert not Programme.objects.exists()


def test_it_refuses_start_dates_out_of_range_and_names_on_several_lines(admin):
    client = client_for(admin)
    response = _create(client, start_date="9999-12-31")
    assert "The start date must be between 1 January 2000 and" in response.text
    response = _create(client, start_date="1999-12-31")
    assert "The start date must be between" in response.text
    response = _create(client, name="Cohort\r\nBcc: x@evil.test")
    assert "must be on one line" in response.text
    assert not Programme.objects.exists()
