"""The proposal and what follows it, in a browser at phone and desktop size (issue 9, items 2, 3,
4, 5 and 6): the proposal in HR's words, finding and moving a person, the publish confirmation,
the published programme page and placing a late joiner by hand. Screenshots in test-results/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from circlewise.formation import services
from circlewise.programmes.models import ParticipantStatus
from tests.e2e.conftest import SIZES
from tests.e2e.test_programme_journey import log_in
from tests.e2e.test_programme_pages import acme, assert_no_horizontal_overflow, shoot  # noqa: F401
from tests.formation.conftest import _add_participants, _make_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def proposed(acme, settings, django_capture_on_commit_callbacks):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    programme = _make_programme(acme, diversify=["department", "level"])
    _add_participants(programme, 40)
    admin = acme.memberships.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.formation_start(programme=programme, by=admin, time_limit=0.5)
    return programme


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_proposal_in_plain_words_and_moves_a_person(page, proposed, size):
    page.set_viewport_size(SIZES[size])
    log_in(page, "ada@acme.test")
    page.goto(f"/o/acme/programmes/{proposed.pk}/formation/")
    expect(page.get_by_role("heading", name="Proposal: 7 circles for 40 people")).to_be_visible()
    expect(page.get_by_text("Every circle has 5 to 6 people")).to_be_visible()
    expect(page.get_by_text("Time zones kept close")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shoot(page, f"proposal-{size}")
    search = page.get_by_role("combobox", name="Find a person")
    search.fill("Person 7")
    expect(page.get_by_role("option", name="Person 7")).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    search.press("ArrowDown")
    expect(page.get_by_role("option", name="Person 7")).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.get_by_role("region", name="Chosen person")).to_contain_text("Person 7 is in")
    shoot(page, f"proposal-chosen-{size}")
    page.get_by_role("button", name="Publish these circles").click()
    expect(page.get_by_role("button", name="Publish and email 40 people")).to_be_visible()
    shoot(page, f"publish-confirm-{size}")
    page.get_by_role("button", name="Publish and email 40 people").click()
    expect(page.get_by_role("heading", name="Circles published")).to_be_visible()
    expect(page.get_by_role("button", name="Form circles")).to_have_count(0)
    shoot(page, f"programme-published-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_it_places_a_late_joiner_in_a_circle_the_admin_chooses(page, proposed, size):
    page.set_viewport_size(SIZES[size])
    admin = proposed.organisation.memberships.get().user
    run = proposed.formation_runs.get()
    services.formation_publish(run=run, by=admin)
    late = _add_participants(proposed, 1, start=40)[0]
    late.status = ParticipantStatus.ACTIVE
    late.save()
    log_in(page, "ada@acme.test")
    page.goto(f"/o/acme/programmes/{proposed.pk}/")
    expect(page.get_by_text("1 person is waiting for a circle")).to_be_visible()
    page.get_by_role("button", name="Manage the circles").click()
    select = page.get_by_label(f"Place {late.name} in")
    assert_no_horizontal_overflow(page)
    shoot(page, f"late-joiners-{size}")
    roomy = next(c for c in proposed.circles.order_by("pk") if c.members.count() < 6)
    target = roomy.name
    select.select_option(label=f"{target} ({roomy.members.count()} of 6)")
    page.get_by_role("button", name=f"Place {late.name}").click()
    expect(page.get_by_text(f"Placed in {target}")).to_be_visible()
    assert proposed.circles.get(name=target).members.filter(participant=late).exists()
