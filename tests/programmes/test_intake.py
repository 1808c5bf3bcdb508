"""The participant's intake: validation, consent for optional attributes, prefill."""

from __future__ import annotations

from django.urls import reverse

from circlewise.organisations.models import Membership
from circlewise.programmes.models import ParticipantStatus, ProgrammeStatus
from tests.conftest import client_for
from tests.programmes.factories import make_participant

ANSWERS = {
    "attr_department": "Sales",
    "attr_level": "Senior",
    "attr_background": "",
    "languages": "English, de",
    "time_zone": "Europe/Berlin",
    "day_0": "09:00-12:00, 14:00-17:00",
    "day_2": "08:30-10:00",
    "goals": "Get better at hard conversations.",
    "manager_email": "Boss@Acme.test",
}


def _intake(programme) -> str:
    return reverse("programmes:intake", args=["acme", programme.pk])


def test_it_saves_a_complete_intake(member, programme):
    participant = make_participant(programme, member.email, user=member)
    response = client_for(member).post(_intake(programme), ANSWERS)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.intake_complete
    assert participant.status == ParticipantStatus.ACTIVE
    assert participant.attributes == {"department": "Sales", "level": "Senior"}
    assert participant.consented_attributes == []
    assert participant.languages == ["en", "de"]
    assert participant.time_zone == "Europe/Berlin"
    assert participant.availability == [
        {"day": 0, "start": "09:00", "end": "12:00"},
        {"day": 0, "start": "14:00", "end": "17:00"},
        {"day": 2, "start": "08:30", "end": "10:00"},
    ]
    assert participant.manager_email == "boss@acme.test"


def test_it_requires_the_required_attributes(member, programme):
    participant = make_participant(programme, member.email, user=member)
    response = client_for(member).post(_intake(programme), ANSWERS | {"attr_level": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text
    participant.refresh_from_db()
    assert not participant.intake_complete


def test_it_keeps_an_optional_attribute_only_with_consent(member, programme):
    participant = make_participant(programme, member.email, user=member)
    answers = ANSWERS | {"attr_background": "Engineering"}
    response = client_for(member).post(_intake(programme), answers)
    assert "Tick the box to agree to share your background" in response.text
    participant.refresh_from_db()
    assert not participant.intake_complete and participant.attributes == {}

    client_for(member).post(_intake(programme), answers | {"consent_background": "on"})
    participant.refresh_from_db()
    assert participant.attributes["background"] == "Engineering"
    assert participant.consented_attributes == ["background"]


def test_it_drops_consent_without_a_value(member, programme):
    participant = make_participant(programme, member.email, user=member)
    client_for(member).post(_intake(programme), ANSWERS | {"consent_background": "on"})
    participant.refresh_from_db()
    assert participant.intake_complete
    assert participant.consented_attributes == [] and "background" not in participant.attributes


def test_it_validates_availability_windows(member, programme):
    make_participant(programme, member.email, user=member)
    client = client_for(member)
    cases = {
        "9 to 5": "is not a time range like 09:00-17:00",
        "17:00-09:00": "ends before it starts",
        "09:00-25:00": "has a time that does not exist",
        "09:00-12:00, 11:00-13:00": "overlap",
    }
    for text, message in cases.items():
        response = client.post(_intake(programme), ANSWERS | {"day_0": text})
        assert message in response.text, text


def test_it_needs_some_availability_and_a_language(member, programme):
    make_participant(programme, member.email, user=member)
    blank_week = {f"day_{day}": "" for day in range(7)}
    response = client_for(member).post(
        _intake(programme), ANSWERS | blank_week | {"languages": "Parseltongue"}
    )
    assert "Parseltongue" in response.text and "is not a language we know" in response.text
    response = client_for(member).post(_intake(programme), ANSWERS | blank_week)
    assert "Give at least one time in the week" in response.text


def test_it_refuses_an_unknown_time_zone(member, programme):
    participant = make_participant(programme, member.email, user=member)
    client_for(member).post(_intake(programme), ANSWERS | {"time_zone": "Mars/Olympus"})
    participant.refresh_from_db()
    assert not participant.intake_complete


def test_it_refuses_your_own_email_as_manager(member, programme):
    make_participant(programme, member.email, user=member)
    response = client_for(member).post(
        _intake(programme), ANSWERS | {"manager_email": member.email}
    )
    assert "not your own" in response.text


def test_it_prefills_from_the_organisation_profile(member, admin, programme):
    membership = Membership.objects.get(user=member)
    membership.department, membership.level = "Legal", "Lead"
    membership.manager = Membership.objects.get(user=admin)
    membership.save()
    member.time_zone, member.language = "Asia/Tokyo", "de"
    member.save()
    make_participant(programme, member.email, user=member)
    form = client_for(member).get(_intake(programme)).context["form"]
    assert form["attr_department"].value() == "Legal"
    assert form["attr_level"].value() == "Lead"
    assert form["attr_background"].value() == ""  # optional answers are never prefilled
    assert form["time_zone"].value() == "Asia/Tokyo"
    assert form["languages"].value() == "Deutsch"  # named in the member's interface language
    assert form["manager_email"].value() == admin.email
    assert form["day_0"].value() == "09:00-17:00" and form["day_6"].value() == ""


def test_it_never_prefills_an_optional_attribute(member, organisation):
    from tests.programmes.factories import make_programme

    programme = make_programme(
        organisation, diversify=["location"], optional_attributes=["location"]
    )
    Membership.objects.filter(user=member).update(location="Berlin")
    make_participant(programme, member.email, user=member)
    form = client_for(member).get(_intake(programme)).context["form"]
    assert form["attr_location"].value() == ""


def test_it_shows_the_intake_only_to_the_participant(admin, member, programme):
    make_participant(programme, "someone@acme.test")
    assert client_for(admin).get(_intake(programme)).status_code == 404
    assert client_for(member).get(_intake(programme)).status_code == 404


def test_it_says_what_happens_next_before_and_after_circles_form(member, programme):
    make_participant(programme, member.email, user=member)
    client = client_for(member)
    before = client.post(_intake(programme), ANSWERS, follow=True)
    assert "You can change it until circles form." in before.text
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    after = client.post(_intake(programme), ANSWERS, follow=True)
    assert "until circles form" not in after.text
    assert "admins will place you in one with room" in after.text
