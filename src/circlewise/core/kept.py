"""Counts kept in the shared cache for a short while.

A count of a whole programme or organisation (people enrolled, intakes done, members) reads
every one of its rows: milliseconds at 10,000 people, on every view of the pages that show it.
Such counts are kept here; the services that change what is counted forget them (:func:`forget`),
so a page shows its own change at once, and ``COUNTS_FRESH`` bounds what a change made another
way (the admin site, a data migration) leaves stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

COUNTS_FRESH = 30  # seconds


def kept[T](*, key: str, compute: Callable[[], T]) -> T:
    """The value kept under ``key``, or ``compute()`` kept there for ``COUNTS_FRESH`` seconds."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, COUNTS_FRESH)
    return found


def forget(keys: Iterable[str]) -> None:
    """Forget the values kept under ``keys`` now, and again once the transaction commits: a page
    read in between still counts the old rows and could keep the old count once more."""
    keys = list(keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
