"""The live server the browser tests drive answers one request at a time (see
``OneRequestAtATime``): its threads share one in-memory SQLite connection."""

from __future__ import annotations

import threading
import urllib.request


def test_the_live_server_answers_one_request_at_a_time(live_server, transactional_db):
    # By name: pytest loads this directory's conftest as a module of its own.
    assert type(live_server.thread.httpd).__name__ == "OneRequestAtATime"
    statuses: list[int] = []

    def fetch() -> None:
        with urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=10) as answer:  # noqa: S310
            statuses.append(answer.status)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8  # eight at once: queued, none failing or left waiting
