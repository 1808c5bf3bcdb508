"""Selectors about participants."""

from __future__ import annotations

from circlewise.programmes.models import ParticipantStatus
from circlewise.programmes.selectors import composition_values, participants_ready
from tests.programmes.factories import make_participant


def test_it_lists_only_active_participants_with_a_complete_intake(programme):
    ready = make_participant(programme, "ready@acme.test", ready=True)
    make_participant(programme, "invited@acme.test")
    make_participant(programme, "left@acme.test", ready=True, status=ParticipantStatus.LEFT)
    assert list(participants_ready(programme=programme)) == [ready]


def test_it_gives_composition_values_with_derived_attributes(programme):
    participant = make_participant(programme, "a@acme.test", ready=True, languages=["de", "en"])
    assert composition_values(participant=participant) == {
        "department": "Sales",
        "level": "Senior",
        "background": None,
        "language": "de",
        "time_zone_band": "emea",
    }
