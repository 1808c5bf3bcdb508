"""Background jobs of accounts: clearing a deleted account's stored login sessions."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone


@task()
def account_sessions_delete(user_id: int) -> int:
    """Delete the stored sessions of ``user_id`` (safe to run twice). Sessions do not name
    their user in a column, so each live one is decoded: work for a task, not the request.
    Returns how many were deleted."""
    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    Session.objects.filter(pk__in=ids).delete()
    return len(ids)
