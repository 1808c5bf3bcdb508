"""Reading a CSV file that people export from a spreadsheet or an HR system.

Pure Python (no Django): the web upload (``programmes.parsing``) and the command line
(``circlewise form-circles``) read files through :func:`read_csv`, so both accept the same files
and explain the same problems. The steps:

1. Decode: UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark, which is
   what spreadsheets write for “Unicode text”. Anything else is refused with a message saying how
   to save the file, rather than guessed (a wrong guess would import misspelt names silently).
2. Sniff the dialect (comma, semicolon, tab or bar; plain commas when unsure).
3. Read records in strict mode, numbered by the physical line they start on, as a text editor
   shows them. A malformed record becomes that record's problem and reading goes on; a quote that
   is never closed would swallow every following line into one value, so it is reported on the
   line where it opens and nothing after it is read.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from circlewise.words import gettext as _

__all__ = ["CsvFile", "CsvProblem", "CsvRecord", "read_csv"]

_SNIFF_CHARS = 65536
# A text file has no NUL characters; a spreadsheet or UTF-16 file without a byte order mark has
# them everywhere. Below this share, NULs are treated as bad values of single rows.
_BINARY_NUL_SHARE = 0.01


class CsvProblem(ValueError):
    """The file cannot be read at all; ``str(problem)`` says why and what to do."""


@dataclass
class CsvRecord:
    """One non-blank record: the line it starts on, its cells, and what is wrong with it."""

    line: int
    cells: list[str]
    problem: str | None = None


@dataclass
class CsvFile:
    """A file's header (its first non-blank record) and the records after it."""

    header: list[str]
    records: list[CsvRecord] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise CsvProblem(
                    _(
                        "The file starts like UTF-16 text but is not; save it as “CSV UTF-8” "
                        "(comma-delimited) and try again."
                    )
                ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvProblem(
            _(
                "The file is not UTF-8 encoded (unexpected byte 0x%(byte)02x at position "
                "%(position)d); it may be Latin-1 or Windows-1252. Save it as “CSV UTF-8” and "
                "try again."
            )
            % {"byte": data[error.start], "position": error.start}
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=",;\t|")
    except csv.Error:
        return csv.excel  # a single column, or too little text to tell: plain commas


def _unclosed_quote(start: int, end: int) -> str:
    """A quote opened on line ``start`` and never closed, read to the file's end at ``end``."""
    if end > start:
        return _(
            'A quote (") opened on this line is never closed, so lines %(start)d to %(end)d '
            'would be read as one value. Close the quote (write a quote inside a value as "") '
            "and try again."
        ) % {"start": start, "end": end}
    return _(
        'A quote (") opened on this line is never closed. Close the quote (write a quote inside '
        'a value as "") and try again.'
    )


def read_csv(data: bytes) -> CsvFile:
    """Read CSV bytes into a header and records; :class:`CsvProblem` when it cannot be read.

    Blank lines are skipped. Cells are returned as written (not stripped).

    >>> table = read_csv(b'email;name\\na@x.test;"Ada\\n')
    >>> table.header, table.records[0].line, table.records[0].problem[:40]
    (['email', 'name'], 2, 'A quote (") opened on this line is never')
    """
    text = _decode(data)
    if not text.strip():
        raise CsvProblem(_("The file is empty."))
    if text.count("\x00") > _BINARY_NUL_SHARE * len(text):
        raise CsvProblem(_("The file contains NUL characters: it is not a CSV text file."))
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    records: list[CsvRecord] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if str(error) == "unexpected end of data":
                end = reader.line_num
                records.append(CsvRecord(start, [], _unclosed_quote(start, end)))
                break
            records.append(
                CsvRecord(
                    start,
                    [],
                    _("This line is not valid CSV (%(error)s); check its quotes.")
                    % {"error": error},
                )
            )
            continue
        if any(cell.strip() for cell in cells):
            records.append(CsvRecord(start, cells))
    if not records:
        raise CsvProblem(_("The file is empty."))
    header, *rest = records
    if header.problem:
        raise CsvProblem(
            _("Line %(line)d: %(problem)s") % {"line": header.line, "problem": header.problem}
        )
    return CsvFile(header.cells, rest)
