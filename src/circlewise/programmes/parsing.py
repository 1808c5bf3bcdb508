"""Turning what people type or upload into clean values, with a specific message for bad input.

Everything here is free of database access: CSV uploads are parsed against the programme's
attributes and the set of emails already enrolled, which the caller passes in.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from circlewise.core.languages import language_name, parse_language

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ParsedUpload",
    "language_name",
    "normalise_email",
    "parse_day_windows",
    "parse_languages",
    "parse_time_zone",
    "parse_upload",
    "valid_time_zones",
]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000

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
        raise ValueError("Email is missing.")
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"“{raw.strip()}” is not a valid email address.") from None
    return email


@cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_time_zone(raw: str) -> str:
    name = raw.strip()
    if name not in valid_time_zones():
        raise ValueError(f"“{name}” is not a time zone name like Europe/Berlin or America/Chicago.")
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
            raise ValueError(f"“{part.strip()}” is not a time range like 09:00-17:00.")
        start, end = _minutes(*match.group(1, 2)), _minutes(*match.group(3, 4))
        minutes_ok = int(match.group(2)) < 60 and int(match.group(4)) < 60
        if not minutes_ok or start >= 24 * 60 or end > 24 * 60:
            raise ValueError(f"“{part.strip()}” has a time that does not exist.")
        if end <= start:
            raise ValueError(f"“{part.strip()}” ends before it starts.")
        windows.append((start, end))
    windows.sort()
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            raise ValueError("Two of these time ranges overlap; combine them into one.")
    return [
        {"day": day, "start": f"{s // 60:02d}:{s % 60:02d}", "end": f"{e // 60:02d}:{e % 60:02d}"}
        for s, e in windows
    ]


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


def _decode(data: bytes) -> str:
    """The file's text; ValueError naming the problem when it is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(
            "The file is saved as UTF-16. Save it as “CSV UTF-8” (comma-delimited) and upload "
            "it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 encoded (unexpected byte 0x{data[error.start]:02x} at "
            f"position {error.start}); it may be Latin-1 or Windows-1252. Save it as "
            "“CSV UTF-8” and upload it again."
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        return csv.excel  # a single column, or too little text to tell: plain commas


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
            report.errors.append(f"The column “{cell.strip()}” appears twice in the header.")
        columns.append(name)
    if "email" not in columns:
        report.errors.append(
            "The file has no email column. The first line must be a header naming the columns, "
            "with at least “email”."
        )
    if unknown:
        report.warnings.append(
            "These columns are not asked for by this programme and will be ignored: "
            + ", ".join(f"“{name}”" for name in unknown)
            + "."
        )
    return columns, report


def _parse_row(
    cells: list[str], columns: list[str | None], *, line: int, enrolled: set[str]
) -> dict[str, object]:
    values = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
    row: dict[str, object] = {
        "line": line,
        "email": values.get("email", ""),
        "name": values.get("name", ""),
        "manager_email": values.get("manager_email", ""),
        "attributes": {
            name.removeprefix("attr:"): value
            for name, value in values.items()
            if name.startswith("attr:") and value
        },
        "languages": [],
        "time_zone": "",
    }
    errors: list[str] = []
    if len(cells) > len(columns):
        errors.append(f"This line has {len(cells)} values but the header has {len(columns)}.")
    try:
        row["email"] = normalise_email(values.get("email", ""))
    except ValueError as error:
        errors.append(str(error))
    if row["email"] in enrolled:
        errors.append("Already enrolled in this programme.")
    if values.get("manager_email"):
        try:
            row["manager_email"] = normalise_email(values["manager_email"])
        except ValueError:
            errors.append(f"Manager email “{values['manager_email']}” is not a valid address.")
        if row["manager_email"] and row["manager_email"] == row["email"]:
            errors.append("A person cannot be their own manager.")
    for name, parser in (("languages", parse_languages), ("time_zone", parse_time_zone)):
        if values.get(name):
            try:
                row[name] = parser(values[name])
            except ValueError as error:
                errors.append(str(error))
    row["errors"] = errors
    return row


def parse_upload(data: bytes, *, attributes: list[str], enrolled: set[str]) -> ParsedUpload:
    """Parse a CSV of people to enrol into a preview; never raises on bad input.

    ``attributes`` are the profile attributes the programme asks for (recognised as columns);
    ``enrolled`` the lower-cased emails already in the programme.
    """
    if not data.strip():
        return ParsedUpload(errors=["The file is empty."])
    if len(data) > MAX_UPLOAD_BYTES:
        return ParsedUpload(errors=["The file is larger than 2 MB; split it into smaller files."])
    try:
        text = _decode(data)
    except ValueError as error:
        return ParsedUpload(errors=[str(error)])
    if "\x00" in text:
        return ParsedUpload(errors=["The file contains NUL characters: it is not a CSV text file."])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), _dialect(text)))
    except csv.Error as error:
        return ParsedUpload(errors=[f"The file is not valid CSV: {error}."])
    # Numbered as a spreadsheet shows them (the header is line 1); blank lines are skipped.
    lines = [(n, cells) for n, cells in enumerate(records, 1) if any(c.strip() for c in cells)]
    if not lines:
        return ParsedUpload(errors=["The file is empty."])
    columns, report = _columns(lines[0][1], attributes)
    if report.errors:
        return report
    if len(lines) == 1:
        report.errors.append("The file has a header but no people.")
        return report
    if len(lines) - 1 > MAX_UPLOAD_ROWS:
        report.errors.append(f"The file has more than {MAX_UPLOAD_ROWS} people; split it.")
        return report
    first_line: dict[str, int] = {}
    for number, cells in lines[1:]:
        row = _parse_row(cells, columns, line=number, enrolled=enrolled)
        email = str(row["email"])
        if email and email in first_line:
            row["errors"].append(f"Duplicate of line {first_line[email]} (same email).")
        first_line.setdefault(email, number)
        report.rows.append(row)
    return report
