"""Locust users for ``bench/load.py`` (which sets LOAD_FIXTURES, LOAD_SIZE and LOAD_PHASE).

LOAD_PHASE is ``health`` (the bare health view), the name of one page in ``load.PAGES`` (that
page alone), or ``mix``: members opening their circles (weight 12), runners' clocks polling
(6), admins on programme pages and insights (6), API clients with tokens (3), calendar apps
fetching feeds (1). Logged-in users send a session cookie made by the builder, and
``X-Forwarded-Proto: https`` as a TLS-terminating proxy would (the server runs with DEBUG=0).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from locust import FastHttpUser, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import page_path

FIXTURES = next(
    f
    for f in json.loads(Path(os.environ["LOAD_FIXTURES"]).read_text())
    if f["size"] == int(os.environ["LOAD_SIZE"])
)
PHASE = os.environ["LOAD_PHASE"]
PROXY = {"X-Forwarded-Proto": "https"}


def _get(user: FastHttpUser, name: str) -> None:
    member = random.choice(FIXTURES["members"])
    who, path = page_path(name, FIXTURES, member, random.choice(FIXTURES["circles"]))
    if who == "anyone":  # the calendar feed: the token in the URL is the key
        headers = PROXY
    elif who == "api":
        headers = PROXY | {"Authorization": f"Bearer {FIXTURES['admin']['token']}"}
    elif who == "member-api":
        headers = PROXY | {"Authorization": f"Bearer {member['token']}"}
    else:
        session = member["session"] if who == "member" else FIXTURES["admin"]["session"]
        headers = PROXY | {"Cookie": f"sessionid={session}"}
    user.client.get(path, headers=headers, name=name)


class Visitor(FastHttpUser):
    wait_time = constant(0)

    if PHASE == "health":

        @task
        def health(self) -> None:
            self.client.get("/healthz", headers=PROXY, name="health")

    elif PHASE == "mix":

        @task(6)
        def my_circle(self) -> None:
            _get(self, "member: circle page")

        @task(4)
        def my_circles(self) -> None:
            _get(self, "member: my circles")

        @task(2)
        def member_programme(self) -> None:
            _get(self, "member: programme")

        @task(2)
        def admin_programme(self) -> None:
            _get(self, "admin: programme")

        @task(2)
        def admin_circles(self) -> None:
            _get(self, "admin: programme circles")

        @task(1)
        def admin_participants(self) -> None:
            _get(self, "admin: participants")

        @task(2)
        def api_circles(self) -> None:
            _get(self, "api: circles (member)")

        @task(1)
        def api_programmes(self) -> None:
            _get(self, "api: programmes")

        @task(6)
        def runner_poll(self) -> None:
            _get(self, "runner: clock poll")

        @task(1)
        def admin_insights(self) -> None:
            _get(self, "admin: insights")

        @task(1)
        def calendar_feed(self) -> None:
            _get(self, "member: calendar feed")

    else:

        @task
        def page(self) -> None:
            _get(self, PHASE)
