"""Background tasks of the meetings app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from circlewise.meetings.services import series_notify


@task()
def notify_series_task(series_id: int, sequence: int, session_id: int | None = None) -> int:
    """Email the invitation for one change of a series (safe to run twice: sent once)."""
    return series_notify(series_id=series_id, sequence=sequence, session_id=session_id)
