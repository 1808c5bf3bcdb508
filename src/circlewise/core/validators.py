"""Django validators for the text rules of :mod:`circlewise.core.text`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from circlewise.core.text import line_problem

__all__ = ["validate_one_line"]


def validate_one_line(value: str) -> None:
    """Refuse line breaks and NUL characters (the field's ``max_length`` checks the length)."""
    problem = line_problem(str(value), label="This", max_length=len(str(value)))
    if problem:
        raise ValidationError(problem.replace("This", "It", 1), code="one_line")
