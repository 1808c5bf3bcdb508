"""Checks for free text that reaches the database from any path (forms, API, tasks).

Forms already refuse NUL characters, but the API and services are entered without a form, so
services run these checks themselves and every path gives the same message.
"""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["clean_line", "clean_text"]


def clean_text(
    value: str,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    field: str | None = None,
    error: type[ServiceError] = ServiceError,
) -> str:
    """Stripped multi-line text, or ``error`` naming ``label`` and what to fix."""
    text = (value or "").strip()
    if "\x00" in text:
        raise error(f"{label} contains a NUL character; remove it.", field=field)
    if required and not text:
        raise error(f"{label} is required.", field=field)
    if len(text) > max_length:
        raise error(
            f"{label} is {len(text)} characters long; at most {max_length} are allowed.",
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
    """Like :func:`clean_text`, and on one line: titles and names must not contain line breaks."""
    text = clean_text(
        value, label=label, max_length=max_length, required=required, field=field, error=error
    )
    if "\n" in text or "\r" in text:
        raise error(f"{label} must fit on one line; remove the line breaks.", field=field)
    return text
