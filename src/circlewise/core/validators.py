"""Django validators for the text rules of :mod:`circlewise.core.text`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from circlewise.core.text import line_problem

__all__ = ["validate_one_line"]


def validate_one_line(value: str) -> None:
    """Refuse line breaks and NUL characters (the field's ``max_length`` checks the length)."""
    # Beside the field, "It" names the value well enough (the field's label is right above).
    problem = line_problem(str(value), label=_("It"), max_length=len(str(value)))
    if problem:
        raise ValidationError(problem, code="one_line")
