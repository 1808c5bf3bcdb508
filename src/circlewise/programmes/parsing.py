"""Turning what people type or upload into clean values, with a specific message for bad input.

Everything here is free of database access: CSV uploads are parsed against the programme's
attributes and the set of emails already enrolled, which the caller passes in.
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from circlewise.core.csvfile import CsvProblem, read_csv
from circlewise.core.languages import language_name, parse_language
from circlewise.core.text import NAME_MAX_LENGTH, line_problem

__all__ = [
    "ATTRIBUTE_NAME_PATTERN",
    "ATTRIBUTE_VALUE_MAX_LENGTH",
    "EMAIL_MAX_LENGTH",
    "MAX_UPLOAD_BYTES",
    "ParsedUpload",
    "clean_participant",
    "language_name",
    "normalise_email",
    "parse_attribute_name",
    "parse_day_windows",
    "parse_languages",
    "parse_time_zone",
    "parse_upload",
    "valid_time_zones",
]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000
EMAIL_MAX_LENGTH = 254  # RFC 5321's limit for a forward path, and Django's EmailField
ATTRIBUTE_VALUE_MAX_LENGTH = 120
# Attribute names are snake_case keys of Participant.attributes; the API schema and the programme
# form both use this rule.
ATTRIBUTE_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
_ATTRIBUTE_NAME = re.compile(ATTRIBUTE_NAME_PATTERN)

# Header spellings people use in HR exports, mapped to our column names.
_COLUMN_ALIASES = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "name": "name",
    "full_name": "name",
    "manager": "manager_email",
    "manager_email": "manager_email",
    "line_manager": "manager_email",
    "line_manager_email": "manager_email",
    "languages": "languages",
    "language": "languages",
    "time_zone": "time_zone",
    "timezone": "time_zone",
}
# A hyphen or an en dash (U+2013, which spreadsheets and phones often substitute).
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")


# Values ------------------------------------------------------------------------------------------
def normalise_email(raw: str) -> str:
    """A lower-cased, validated email address; ValueError with a message otherwise."""
    email = raw.strip().lower()
    if not email:
        raise ValueError(_("Email is missing."))
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValueError(
            _("The email address is longer than %(most)s characters.") % {"most": EMAIL_MAX_LENGTH}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(
            _("“%(text)s” is not a valid email address.") % {"text": raw.strip()}
        ) from None
    return email


def parse_attribute_name(raw: str) -> str:
    """An attribute name from what someone typed (“Time zone band” -> ``time_zone_band``)."""
    name = re.sub(r"[\s\-]+", "_", raw.strip().lower())
    if not _ATTRIBUTE_NAME.match(name):
        raise ValueError(
            _(
                "“%(text)s” is not an attribute name: use up to 40 letters, digits "
                "and spaces, starting with a letter."
            )
            % {"text": raw.strip()}
        )
    return name


@cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_time_zone(raw: str) -> str:
    name = raw.strip()
    if name not in valid_time_zones():
        raise ValueError(
            _("“%(name)s” is not a time zone name like Europe/Berlin or America/Chicago.")
            % {"name": name}
        )
    return name


def parse_languages(raw: str | list[str]) -> list[str]:
    """Languages as codes (``["en", "de"]``) from codes or names, in the order given."""
    items = raw.split(",") if isinstance(raw, str) else raw
    codes: list[str] = []
    for item in items:
        if not item.strip():
            continue
        code = parse_language(item)
        if code not in codes:
            codes.append(code)
    return codes


def _minutes(hours: str, minutes: str) -> int:
    return int(hours) * 60 + int(minutes)


def parse_day_windows(raw: str, *, day: int) -> list[dict[str, object]]:
    """Availability windows of one day from ``"09:00-12:00, 14:00-17:00"``.

    Times are the person's local time; ``24:00`` ends a window at midnight. Windows must not
    overlap. Returns ``[{"day": day, "start": "09:00", "end": "12:00"}, ...]`` sorted by start.
    """
    windows: list[tuple[int, int]] = []
    for part in raw.split(","):
        if not part.strip():
            continue
        match = _WINDOW.match(part)
        if match is None:
            raise ValueError(
                _("“%(text)s” is not a time range like 09:00-17:00.") % {"text": part.strip()}
            )
        start, end = _minutes(*match.group(1, 2)), _minutes(*match.group(3, 4))
        minutes_ok = int(match.group(2)) < 60 and int(match.group(4)) < 60
        if not minutes_ok or start >= 24 * 60 or end > 24 * 60:
            raise ValueError(
                _("“%(text)s” has a time that does not exist.") % {"text": part.strip()}
            )
        if end <= start:
            raise ValueError(_("“%(text)s” ends before it starts.") % {"text": part.strip()})
        windows.append((start, end))
    windows.sort()
    for (_start, end), (start, _end) in itertools.pairwise(windows):
        if start < end:
            raise ValueError(_("Two of these time ranges overlap; combine them into one."))
    return [
        {"day": day, "start": f"{s // 60:02d}:{s % 60:02d}", "end": f"{e // 60:02d}:{e % 60:02d}"}
        for s, e in windows
    ]


# Participants ------------------------------------------------------------------------------------
def _text(value: object) -> str:
    return str(value).strip()


def clean_participant(
    values: Mapping[str, object], *, attributes: Sequence[str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate one person's details, however they came in (a form, a CSV row, the API).

    ``values`` holds ``email`` and any of ``name``, ``manager_email``, ``attributes`` (a mapping),
    ``languages`` (a list, or names separated by commas) and ``time_zone``; a field that is absent
    or None is neither checked nor returned, so an update can send only what changed.
    ``attributes`` are the names the programme asks for. Returns the cleaned values and the
    problems by field name; whether the person is already enrolled is for the caller to decide.
    """
    clean: dict[str, Any] = {}  # each field's own type: str, a list, or a mapping
    errors: dict[str, list[str]] = {}

    def check(name: str, parse):
        try:
            clean[name] = parse(values.get(name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))

    check("email", lambda raw: normalise_email(_text(raw or "")))
    given = {name for name, value in values.items() if value is not None}
    if "name" in given:
        check("name", _participant_name)
    if "manager_email" in given:
        check("manager_email", _manager_email)
        if clean.get("manager_email") and clean["manager_email"] == clean.get("email"):
            errors.setdefault("manager_email", []).append(
                _("A person cannot be their own manager.")
            )
    if "attributes" in given:
        check("attributes", lambda raw: _attribute_values(raw, attributes))
    if "languages" in given:
        check("languages", parse_languages)
    if "time_zone" in given:
        check("time_zone", lambda raw: parse_time_zone(_text(raw)) if _text(raw) else "")
    return clean, errors


def _participant_name(raw: object) -> str:
    name = _text(raw)
    problem = line_problem(name, label=_("The name"), max_length=NAME_MAX_LENGTH)
    if problem:
        raise ValueError(problem)
    return name


def _manager_email(raw: object) -> str:
    text = _text(raw)
    if not text:
        return ""
    try:
        return normalise_email(text)
    except ValueError:
        raise ValueError(
            _("Manager email “%(text)s” is not a valid address.") % {"text": text}
        ) from None


def _attribute_values(raw: object, asked: Sequence[str]) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ValueError(_("Attributes must be names with values."))
    unknown = sorted(str(name) for name in raw if name not in asked)
    if unknown:
        raise ValueError(
            _("Attributes not asked for by this programme: %(attributes)s.")
            % {"attributes": ", ".join(unknown)}
        )
    values: dict[str, str] = {}
    for name, value in raw.items():
        text = _text(value)
        label = f"The {str(name).replace('_', ' ')}"
        problem = line_problem(text, label=label, max_length=ATTRIBUTE_VALUE_MAX_LENGTH)
        if problem:
            raise ValueError(problem)
        if text:
            values[str(name)] = text
    return values


# CSV uploads -------------------------------------------------------------------------------------
@dataclass
class ParsedUpload:
    """The preview of an upload: rows with their own errors, and file-level errors and warnings.

    Nothing may be imported when ``errors`` is non-empty or any row has errors.
    """

    rows: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _columns(header: list[str], attributes: list[str]) -> tuple[list[str | None], ParsedUpload]:
    """Map each header cell to a field name (None: ignored), with header errors and warnings."""
    report = ParsedUpload()
    known_attributes = {_normalise_header(name): name for name in attributes}
    columns: list[str | None] = []
    unknown: list[str] = []
    for cell in header:
        key = _normalise_header(cell)
        name = _COLUMN_ALIASES.get(key) or (
            f"attr:{known_attributes[key]}" if key in known_attributes else None
        )
        if name is None and key:
            unknown.append(cell.strip())
        if name is not None and name in columns:
            report.errors.append(
                _("The column “%(text)s” appears twice in the header.") % {"text": cell.strip()}
            )
        columns.append(name)
    if "email" not in columns:
        report.errors.append(
            _(
                "The file has no email column. The first line must be a header naming the columns, "
                "with at least “email”."
            )
        )
    if unknown:
        report.warnings.append(
            _("These columns are not asked for by this programme and will be ignored: %(columns)s")
            % {"columns": ", ".join(f"“{name}”" for name in unknown)}
            + "."
        )
    return columns, report


def _parse_row(
    cells: list[str], columns: list[str | None], *, line: int, attributes: list[str]
) -> dict[str, Any]:
    values = {name: cell for name, cell in zip(columns, cells, strict=False) if name}
    texts = {
        name: values.get(name, "")
        for name in ("email", "name", "manager_email", "languages", "time_zone")
    }
    given = {
        name.removeprefix("attr:"): value
        for name, value in values.items()
        if name.startswith("attr:")
    }
    fields = {**texts, "attributes": given}
    clean, problems = clean_participant(fields, attributes=attributes)
    errors: list[str] = []
    if len(cells) > len(columns):
        errors.append(
            _("This line has %(values)s values but the header has %(columns)s.")
            % {"values": len(cells), "columns": len(columns)}
        )
    errors += [message for messages in problems.values() for message in messages]
    # A row with problems is shown as it was written, so the admin can find it in the file.
    shown = {name: value.strip() for name, value in texts.items()}
    attrs = {name: value.strip() for name, value in given.items() if value.strip()}
    row: dict[str, object] = {
        "line": line,
        **shown,
        "attributes": attrs,
        "languages": [],
        "time_zone": "",
        **clean,
        "errors": errors,
    }
    return {name: _storable(value) for name, value in row.items()}


def _storable(value: object) -> object:
    """``value`` with NUL characters made visible: PostgreSQL cannot store them, even in JSON."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    return value


def parse_upload(data: bytes, *, attributes: list[str], enrolled: set[str]) -> ParsedUpload:
    """Parse a CSV of people to enrol into a preview; never raises on bad input.

    ``attributes`` are the profile attributes the programme asks for (recognised as columns);
    ``enrolled`` the lower-cased emails already in the programme.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        return ParsedUpload(
            errors=[_("The file is larger than 2 MB; split it into smaller files.")]
        )
    try:
        table = read_csv(data)
    except CsvProblem as error:
        return ParsedUpload(errors=[str(_storable(str(error)))])
    columns, report = _columns(table.header, attributes)
    report.errors = _storable(report.errors)  # type: ignore[assignment]
    report.warnings = _storable(report.warnings)  # type: ignore[assignment]
    if report.errors:
        return report
    if not table.records:
        report.errors.append(_("The file has a header but no people."))
        return report
    if len(table.records) > MAX_UPLOAD_ROWS:
        report.errors.append(
            _("The file has more than %(most)s people; split it.") % {"most": MAX_UPLOAD_ROWS}
        )
        return report
    first_line: dict[str, int] = {}
    for record in table.records:
        if record.problem:
            report.rows.append(_unreadable_row(record.line, record.problem))
            continue
        row = _parse_row(record.cells, columns, line=record.line, attributes=attributes)
        email = str(row["email"])
        if email and email in enrolled:
            row["errors"].append(_("Already enrolled in this programme."))
        if email and email in first_line:
            row["errors"].append(
                _("Duplicate of line %(line)s (same email).") % {"line": first_line[email]}
            )
        first_line.setdefault(email, record.line)
        report.rows.append(row)
    return report


def _unreadable_row(line: int, problem: str) -> dict[str, object]:
    return {
        "line": line,
        "email": "",
        "name": "",
        "manager_email": "",
        "attributes": {},
        "languages": [],
        "time_zone": "",
        "errors": [problem],
    }
