"""The CSV parser: a preview with per-row errors, or a clear file-level error; never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from circlewise.programmes.parsing import parse_upload

ATTRIBUTES = ["department", "level", "background"]


def parse(text: str | bytes, enrolled: set[str] | None = None):
    data = text.encode() if isinstance(text, str) else text
    return parse_upload(data, attributes=ATTRIBUTES, enrolled=enrolled or set())


def errors_by_line(preview) -> dict[int, list[str]]:
    return {row["line"]: row["errors"] for row in preview.rows if row["errors"]}


def test_it_parses_a_clean_file():
    preview = parse(
        "email,name,manager_email,department,Level\n"
        "Ann@Acme.test,Ann,boss@acme.test,Sales,Senior\n"
        "bob@acme.test,Bob,,Finance,Junior\n"
    )
    assert preview.errors == [] and preview.warnings == []
    assert [row["email"] for row in preview.rows] == ["ann@acme.test", "bob@acme.test"]
    assert preview.rows[0]["manager_email"] == "boss@acme.test"
    assert preview.rows[0]["attributes"] == {"department": "Sales", "level": "Senior"}
    assert errors_by_line(preview) == {}


def test_it_reports_missing_and_invalid_emails_per_row():
    preview = parse("email,name\n,No Email\nnot-an-email,Bad\nok@acme.test,Ok\n")
    assert errors_by_line(preview) == {
        2: ["Email is missing."],
        3: ["“not-an-email” is not a valid email address."],
    }


def test_it_reports_an_invalid_manager_email_but_accepts_a_manager_who_is_not_enrolled():
    preview = parse(
        "email,manager_email\na@acme.test,nobody-in-file@acme.test\nb@acme.test,boss@\n"
        "c@acme.test,c@acme.test\n"
    )
    assert errors_by_line(preview) == {
        3: ["Manager email “boss@” is not a valid address."],
        4: ["A person cannot be their own manager."],
    }


def test_it_reports_duplicate_rows_case_insensitively():
    preview = parse("email\na@acme.test\nb@acme.test\nA@ACME.test\n")
    assert errors_by_line(preview) == {4: ["Duplicate of line 2 (same email)."]}


def test_it_reports_people_already_enrolled():
    preview = parse("email\na@acme.test\nb@acme.test\n", enrolled={"b@acme.test"})
    assert errors_by_line(preview) == {3: ["Already enrolled in this programme."]}


def test_it_warns_about_unknown_columns_and_ignores_them():
    preview = parse("email,Shoe size,department,Favourite colour\na@acme.test,44,Sales,red\n")
    assert preview.errors == []
    assert preview.warnings == [
        "These columns are not asked for by this programme and will be ignored: "
        "“Shoe size”, “Favourite colour”."
    ]
    assert preview.rows[0]["attributes"] == {"department": "Sales"}


def test_it_explains_a_file_that_is_not_utf8():
    preview = parse("email,name\nzoe@acme.test,Zoë\n".encode("cp1252"))
    assert preview.rows == []
    assert len(preview.errors) == 1
    assert "not UTF-8" in preview.errors[0] and "CSV UTF-8" in preview.errors[0]


def test_it_reads_a_utf16_file_with_a_byte_order_mark():
    preview = parse("email,name\nzoe@acme.test,Zoë\n".encode("utf-16"))
    assert preview.errors == []
    assert preview.rows[0]["name"] == "Zoë"


def test_it_reports_an_unterminated_quote_instead_of_swallowing_the_next_rows():
    preview = parse('email,name\na@acme.test,"Ann\nb@acme.test,Bob\nc@acme.test,Cy\n')
    assert [row["line"] for row in preview.rows] == [2]
    assert errors_by_line(preview)[2] == [
        'A quote (") opened on this line is never closed, so lines 2 to 4 would be read as one '
        'value. Close the quote (write a quote inside a value as "") and try again.'
    ]


def test_it_reports_names_that_are_too_long_multi_line_or_hold_nul_characters():
    preview = parse(
        "email,name,department\n"
        f"a@acme.test,{'A' * 151},Sales\n"
        'b@acme.test,"Bob\nBcc: x@evil.test",Sales\n'
        "c@acme.test,C\x00y,Sales\n"
        f"d@acme.test,Dee,{'S' * 121}\n"
    )
    assert errors_by_line(preview) == {
        2: ["The name is 151 characters long; the most is 150."],
        3: ["The name must be on one line."],
        5: ["The name contains a NUL character; remove it."],
        6: ["The department is 121 characters long; the most is 120."],
    }
    # Stored previews must never hold NUL characters (PostgreSQL refuses them, even in JSON).
    assert "\x00" not in str(preview.rows)


def test_it_reads_utf8_with_a_byte_order_mark():
    preview = parse("\ufeffemail,name\nzoe@acme.test,Zoë\n")
    assert preview.errors == []
    assert preview.rows[0]["name"] == "Zoë"


def test_it_reports_an_empty_file():
    assert parse("").errors == ["The file is empty."]
    assert parse("\n \n").errors == ["The file is empty."]


def test_it_reports_a_header_without_people():
    assert parse("email,name\n").errors == ["The file has a header but no people."]


def test_it_needs_an_email_column():
    preview = parse("name,department\nAnn,Sales\n")
    assert "no email column" in preview.errors[0]


def test_it_detects_semicolons_and_tabs():
    for separator in (";", "\t"):
        preview = parse(
            f"email{separator}name{separator}department\na@acme.test{separator}A{separator}Sales\n"
        )
        assert preview.errors == [], separator
        assert preview.rows[0]["attributes"] == {"department": "Sales"}


def test_it_reads_a_single_column_file():
    preview = parse("email\na@acme.test\nb@acme.test\n")
    assert [row["email"] for row in preview.rows] == ["a@acme.test", "b@acme.test"]


def test_it_reports_lines_with_too_many_values():
    preview = parse("email,name\na@acme.test,A,extra\n")
    assert errors_by_line(preview) == {2: ["This line has 3 values but the header has 2."]}


def test_it_validates_languages_and_time_zones():
    preview = parse(
        'email,languages,time_zone\na@acme.test,"English, German",Europe/Berlin\n'
        "b@acme.test,Parseltongue,Mars/Olympus\n"
    )
    assert preview.rows[0]["languages"] == ["en", "de"]
    assert preview.rows[0]["time_zone"] == "Europe/Berlin"
    assert len(errors_by_line(preview)[3]) == 2


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_it_never_crashes_on_arbitrary_bytes(data):
    preview = parse(data)
    assert preview.errors or preview.rows
    for row in preview.rows:
        assert isinstance(row["errors"], list)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=5),
        max_size=8,
    )
)
def test_it_never_crashes_on_arbitrary_text_tables(table):
    text = "email,name,department\n" + "\n".join(",".join(cells) for cells in table)
    preview = parse(text)
    assert preview.errors or preview.rows
