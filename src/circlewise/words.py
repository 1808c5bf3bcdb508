"""Translation for the pure modules (``scheduling``, ``core.text``, ``core.csvfile``,
``insights.privacy``), which import no Django.

They mark their messages with this module's ``gettext`` (imported as ``_``, so ``makemessages``
extracts them like any other string), and write numbers for people with :func:`decimal` and
:func:`percent` ("4,0" and "76 %" on a German page, "4.0" and "76%" on an English one: Babel's
CLDR data). In a plain Python process (the command line, doctests) they answer in English; the
web app hands Django's ``gettext`` and active language in at start-up (``CoreConfig.ready``), so
the same calls then answer in the language of the request or of the email being rendered. CSV
files and the API keep plain numbers ("4.0", "0.76"), for machines.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_decimal, format_percent

__all__ = ["decimal", "gettext", "percent", "use_translation"]


def _english(message: str) -> str:
    return message


def _english_locale() -> str:
    return "en_GB"


_translate: Callable[[str], str] = _english
_locale: Callable[[], str] = _english_locale


def gettext(message: str) -> str:
    """``message`` in the active language, or as written when nothing translates."""
    return _translate(message)


def decimal(value: float, places: int = 1) -> str:
    """``value`` for a reader, with exactly ``places`` decimals."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale())


def percent(share: float) -> str:
    """A share (0.76) for a reader, as a whole percentage."""
    return format_percent(share, locale=_locale())


def use_translation(translate: Callable[[str], str], locale: Callable[[], str]) -> None:
    """From now on, translate the pure modules' messages with ``translate`` (Django's gettext)
    and write their numbers for ``locale()``, the active language as a locale ("de", "en_GB")."""
    global _translate, _locale
    _translate, _locale = translate, locale
