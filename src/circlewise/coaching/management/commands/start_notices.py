"""Queue the notice scheduler's first tick (does nothing when one is already waiting)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from circlewise.coaching.tasks import schedule_next_tick


class Command(BaseCommand):
    help = "Queue the session reminder scheduler for the background worker."

    def handle(self, *args: object, **options: object) -> None:
        queued = schedule_next_tick(delay=dt.timedelta(0))
        self.stdout.write("Scheduler queued." if queued else "Scheduler already queued.")
