"""Translation for the pure modules (``scheduling``, ``core.text``, ``core.csvfile``), which import
no Django.

They mark their messages with this module's ``gettext`` (imported as ``_``, so ``makemessages``
extracts them like any other string). In a plain Python process (the command line, doctests) it
returns the English message; the web app hands Django's ``gettext`` in at start-up
(``CoreConfig.ready``), so the same call then answers in the language of the request or of the
email being rendered.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["gettext", "use_translation"]


def _english(message: str) -> str:
    return message


_translate: Callable[[str], str] = _english


def gettext(message: str) -> str:
    """``message`` in the active language, or as written when nothing translates."""
    return _translate(message)


def use_translation(translate: Callable[[str], str]) -> None:
    """Translate the pure modules' messages with ``translate`` from now on (Django's gettext)."""
    global _translate
    _translate = translate
