"""A programme's counts (enrolled, intake done, the queue, the departments) are kept in the cache
for ``COUNTS_FRESH`` seconds (``circlewise.core.kept``), so that admin pages of a 10,000-person
programme do not count every participant on each view. Every service that changes them forgets
them: an admin sees their own change at once, never a count half a minute old."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from circlewise.accounts.services import account_delete
from circlewise.circles.models import CircleMember
from circlewise.circles.services import circle_member_remove
from circlewise.formation import services
from circlewise.formation.selectors import unplaced_count, unplaced_participants_first
from circlewise.programmes import selectors
from circlewise.programmes.services import participant_add, participations_end
from tests.conftest import client_for, make_user


def _counts(programme) -> tuple:
    organisation = programme.organisation
    return (
        selectors.intake_counts(programme=programme),
        unplaced_count(programme=programme),
        unplaced_participants_first(programme=programme, limit=5).count,
        selectors.participant_departments(programme=programme),
        selectors.enrolled_counts(organisation=organisation, programmes=[programme]),
    )


def _fresh(programme) -> tuple:
    cache.clear()
    return _counts(programme)


def _late_joiner(programme, add_participants):
    joiner = add_participants(programme, 1, start=10, attributes={"department": "Legal"})[0]
    cache.clear()  # made without a service: counted afresh from here
    return joiner


def _leave(programme, admin, add_participants) -> None:
    seat = CircleMember.objects.filter(circle__programme=programme).first()
    circle_member_remove(member=seat, by=admin)


def _place(programme, admin, add_participants) -> None:
    joiner = _late_joiner(programme, add_participants)
    _counts(programme)
    circle = programme.circles.order_by("pk").last()
    services.late_joiner_place(
        programme=programme, participant_id=joiner.pk, circle_id=circle.pk, by=admin
    )


def _enrol(programme, admin, add_participants) -> None:
    participant_add(programme=programme, email="new@acme.test", name="New", by=admin)


def _end(programme, admin, add_participants) -> None:
    seated = CircleMember.objects.filter(circle__programme=programme).first().participant
    user = make_user(seated.email)
    participations_end(organisation=programme.organisation, user=user)


def _delete_account(programme, admin, add_participants) -> None:
    seat = CircleMember.objects.filter(circle__programme=programme).first()
    user = make_user(seat.email)
    seat.participant.user = user
    seat.participant.save()
    seat.user = user
    seat.save()
    cache.clear()
    _counts(programme)
    account_delete(user=user)


@pytest.mark.parametrize("change", [_leave, _place, _enrol, _end, _delete_account])
def test_every_service_that_changes_a_count_forgets_the_kept_one(
    change, published, admin, add_participants
):
    before = _counts(published)  # kept
    change(published, admin, add_participants)
    after = _counts(published)
    assert after == _fresh(published)
    assert after != before  # the change is one the counts show


def test_the_programme_pages_show_a_change_at_once(published, admin):
    client = client_for(admin)
    url = f"/o/acme/programmes/{published.pk}/"
    assert "10 enrolled;" in client.get(url).text
    participant_add(programme=published, email="new@acme.test", name="New", by=admin)
    assert "11 enrolled;" in client.get(url).text
    assert "11 participants" in client.get("/o/acme/programmes/").text


def test_a_count_changed_another_way_is_kept_for_at_most_the_freshness_window(published):
    selectors.intake_counts(programme=published)
    key = cache.make_and_validate_key(
        selectors.counts_key(programme_id=published.pk, name="intake")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM circlewise_cache WHERE cache_key = %s", [key])
        [(expires,)] = cursor.fetchall()
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, dt.UTC)
    kept_for = (expires - timezone.now()).total_seconds()
    assert selectors.COUNTS_FRESH - 5 < kept_for <= selectors.COUNTS_FRESH


def test_a_count_kept_again_before_the_change_commits_is_forgotten_once_it_does(
    published, admin, django_capture_on_commit_callbacks
):
    old = selectors.intake_counts(programme=published)
    key = selectors.counts_key(programme_id=published.pk, name="intake")
    with django_capture_on_commit_callbacks(execute=True):
        participant_add(programme=published, email="new@acme.test", name="New", by=admin)
        # A page in another process, reading before this commits, counts the old rows and
        # keeps that count again.
        cache.set(key, old, selectors.COUNTS_FRESH)
    assert selectors.intake_counts(programme=published)["enrolled"] == old["enrolled"] + 1
