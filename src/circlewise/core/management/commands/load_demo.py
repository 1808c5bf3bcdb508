"""``manage.py load_demo``: the Northwind Health demo organisation (safe to run again)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from circlewise.core.demo import DEMO_PASSWORD, LOGINS, MIN_PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation Northwind Health with its people and a programme."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=320, help="Head count (default 320).")
        parser.add_argument("--seed", type=int, default=2027, help="Random seed (default 2027).")

    def handle(self, *args, people: int, seed: int, **options) -> None:
        started = time.perf_counter()
        if people < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}, not {people}.")
        result = load_demo(people=people, seed=seed)
        if result.created:
            self.stdout.write(
                f"Created {result.organisation} with {result.people} people and "
                f"{result.participants} programme participants "
                f"in {time.perf_counter() - started:.1f} s."
            )
        else:
            self.stdout.write(f"{result.organisation} is already loaded; nothing changed.")
        url = settings.SITE_URL + reverse(
            "organisations:dashboard", args=[result.organisation.slug]
        )
        self.stdout.write(f"\nDemo: {url}")
        for role, email in LOGINS.items():
            self.stdout.write(f"  {role.label:<7} {email}")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
