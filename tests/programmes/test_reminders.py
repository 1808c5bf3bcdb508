"""Who has completed the intake, and reminding the rest (never twice within 24 hours)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from circlewise.programmes.views import PARTICIPANTS_PER_PAGE
from tests.conftest import client_for
from tests.programmes.factories import make_participant


def _remind(client, programme, **kwargs):
    return client.post(reverse("programmes:remind", args=["acme", programme.pk]), **kwargs)


def test_it_lists_who_has_completed_the_intake(admin, programme):
    make_participant(programme, "done@acme.test", ready=True)
    make_participant(programme, "todo@acme.test")
    url = reverse("programmes:participants", args=["acme", programme.pk])
    pending = client_for(admin).get(url, {"show": "pending"}).text
    assert "todo@acme.test" in pending and "done@acme.test" not in pending
    completed = client_for(admin).get(url, {"show": "completed"}).text
    assert "done@acme.test" in completed and "todo@acme.test" not in completed


def test_each_row_says_how_the_person_joined_in_the_readers_language(admin, programme):
    make_participant(programme, "csv@acme.test", source="csv")
    make_participant(programme, "link@acme.test", source="link", ready=True)
    url = reverse("programmes:participants", args=["acme", programme.pk])
    page = client_for(admin).get(url).text
    assert page.count('data-label="Joined by">CSV upload<') == 1
    assert page.count('data-label="Joined by">Sign-up link<') == 1
    admin.language = "de"
    admin.save(update_fields=["language"])
    german = client_for(admin).get(url).text
    assert german.count('data-label="Abteilung">Sales<') == 1
    assert german.count('<span class="badge badge-warn">Nicht erledigt</span>') == 1


def test_it_reminds_only_the_people_still_pending(
    admin, programme, django_capture_on_commit_callbacks
):
    make_participant(programme, "done@acme.test", ready=True)
    todo = make_participant(programme, "todo@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = _remind(client_for(admin), programme, follow=True)
    assert "Reminded 1 person by email" in response.text
    assert [m.to for m in mail.outbox] == [["todo@acme.test"]]
    assert "intake" in mail.outbox[0].subject.lower()
    todo.refresh_from_db()
    assert todo.reminded_at is not None


def test_it_does_not_remind_again_within_a_day(
    admin, programme, django_capture_on_commit_callbacks
):
    make_participant(
        programme, "todo@acme.test", reminded_at=timezone.now() - dt.timedelta(hours=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _remind(client_for(admin), programme, follow=True)
    assert "reminded in the last 24 hours" in response.text
    assert mail.outbox == []


def test_it_reminds_again_after_a_day(admin, programme, django_capture_on_commit_callbacks):
    make_participant(
        programme, "old@acme.test", reminded_at=timezone.now() - dt.timedelta(hours=25)
    )
    make_participant(
        programme, "recent@acme.test", reminded_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _remind(client_for(admin), programme)
    assert [m.to for m in mail.outbox] == [["old@acme.test"]]


def test_it_says_when_there_is_nobody_to_remind(admin, programme):
    make_participant(programme, "done@acme.test", ready=True)
    response = _remind(client_for(admin), programme, follow=True)
    assert "nobody to remind" in response.text


def test_coaches_see_the_list_but_cannot_remind(coach, programme):
    make_participant(programme, "todo@acme.test")
    url = reverse("programmes:participants", args=["acme", programme.pk])
    page = client_for(coach).get(url)
    assert page.status_code == 200 and "Remind the" not in page.text
    assert _remind(client_for(coach), programme).status_code == 403


def test_it_lists_participants_a_page_at_a_time(admin, programme):
    for number in range(PARTICIPANTS_PER_PAGE + 1):
        make_participant(programme, f"p{number:03d}@acme.test")
    url = reverse("programmes:participants", args=["acme", programme.pk])
    first = client_for(admin).get(url).text
    assert "p000@acme.test" in first and f"p{PARTICIPANTS_PER_PAGE:03d}@acme.test" not in first
    assert "Page 1 of 2" in first
    second = client_for(admin).get(url, {"page": 2}).text
    assert f"p{PARTICIPANTS_PER_PAGE:03d}@acme.test" in second


def test_it_finds_participants_by_name_or_email(admin, programme):
    make_participant(programme, "grace.hopper@acme.test", name="Grace Hopper")
    make_participant(programme, "alan@acme.test", name="Alan Turing")
    url = reverse("programmes:participants", args=["acme", programme.pk])
    found = client_for(admin).get(url, {"q": "hopper"}).text
    assert "grace.hopper@acme.test" in found and "alan@acme.test" not in found
    assert "1 person matches these filters" in found
