"""Rules for short text that people type or upload: names, emails, attribute values.

Pure Python (no Django), so the CSV reader, the command line and the API schemas share it with the
forms. A name is one line: it ends up in email subjects, where a line break would start a new
header, and in CSV exports. NUL characters are refused everywhere, as PostgreSQL cannot store them.
"""

from __future__ import annotations

import re

from circlewise.core.errors import ServiceError
from circlewise.words import gettext as _

__all__ = [
    "NAME_MAX_LENGTH",
    "SEARCH_MAX_LENGTH",
    "SINGLE_LINE_PATTERN",
    "clean_line",
    "clean_text",
    "line_problem",
    "one_line",
    "search_text",
]

NAME_MAX_LENGTH = 150
# Any character except NUL and the line and paragraph separators that break a header or a row;
# the same rule as line_problem(), written for JSON schemas (OpenAPI ``pattern``).
# Escapes, not the characters, so the pattern reads the same in Python, Rust (pydantic) and
# ECMAScript (JSON Schema) regular expressions.
_BREAKS = r"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines() splits
SINGLE_LINE_PATTERN = rf"^[^\x00{_BREAKS}]*$"
_BREAK = re.compile(f"[{_BREAKS}]")


def line_problem(value: str, *, label: str, max_length: int) -> str | None:
    """What is wrong with ``value`` as one line of at most ``max_length`` characters, or None.

    ``label`` names the value in the message (“The name”).

    >>> line_problem("Ada Lovelace", label="The name", max_length=150)
    >>> line_problem("Ada\\nBcc: x@y.z", label="The name", max_length=150)
    'The name must be on one line.'
    """
    if "\x00" in value:
        return _("%(label)s contains a NUL character; remove it.") % {"label": label}
    if _BREAK.search(value):
        return _("%(label)s must be on one line.") % {"label": label}
    if len(value) > max_length:
        return _("%(label)s is %(length)d characters long; the most is %(most)d.") % {
            "label": label,
            "length": len(value),
            "most": max_length,
        }
    return None


SEARCH_MAX_LENGTH = 100


def search_text(value: str, *, most: int = SEARCH_MAX_LENGTH) -> str:
    """What someone typed into a search box or chose in a filter, made safe to look for: NUL
    characters dropped (PostgreSQL refuses them and nobody types one on purpose), trimmed, at
    most ``most`` characters.

    >>> search_text("  Ada\x00 Lovelace ")
    'Ada Lovelace'
    """
    return value.replace("\x00", "").strip()[:most]


def one_line(value: str) -> str:
    """``value`` with every run of whitespace, line breaks included, made one space.

    For text built into a single line from stored values (an email subject), so that old data
    from before the rule can never break it.

    >>> one_line(" Circle\\r\\n  Bcc: x ")
    'Circle Bcc: x'
    """
    return " ".join(value.split())


def clean_text(
    value: str,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    field: str | None = None,
    error: type[ServiceError] = ServiceError,
) -> str:
    """Stripped multi-line text (notes, reflections), or ``error`` saying what to fix.

    Services call it themselves: the API and tasks reach them without a form.
    """
    text = (value or "").strip()
    if "\x00" in text:
        raise error(
            _("%(label)s contains a NUL character; remove it.") % {"label": label}, field=field
        )
    if required and not text:
        raise error(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise error(
            _("%(label)s is %(length)d characters long; the most is %(most)d.")
            % {"label": label, "length": len(text), "most": max_length},
            field=field,
        )
    return text


def clean_line(
    value: str,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    field: str | None = None,
    error: type[ServiceError] = ServiceError,
) -> str:
    """A stripped single line (titles, links, tags) by :func:`line_problem`'s rule, or ``error``."""
    text = (value or "").strip()
    problem = line_problem(text, label=label, max_length=max_length)
    if problem:
        raise error(problem, field=field)
    if required and not text:
        raise error(_("%(label)s is required.") % {"label": label}, field=field)
    return text
