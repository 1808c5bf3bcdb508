"""Spoken languages: codes in the database, names on the page, either one typed."""

from __future__ import annotations

import pytest
from django.utils import translation

from circlewise.core.languages import language_codes_matching, language_name, parse_language


@pytest.mark.parametrize(
    ("typed", "code"),
    [("en", "en"), ("English", "en"), ("english ", "en"), ("Deutsch", "de"), ("en-GB", "en"),
     ("pt_BR", "pt"), ("Amharic", "am"), ("español", "es")],
)  # fmt: skip
def test_it_parses_a_code_or_a_name(typed, code):
    assert parse_language(typed) == code


def test_it_rejects_what_names_no_language_with_a_message():
    with pytest.raises(ValueError, match="“Parseltongue” is not a language we know"):
        parse_language("Parseltongue")


def test_it_names_languages_in_the_pages_language():
    assert language_name("en") == "English"
    with translation.override("de"):
        assert language_name("en") == "Englisch"
        assert parse_language("Englisch") == "en"
    assert language_name("") == ""
    assert language_name("Any, really") == "Any, really"  # free text from before stays readable


def test_it_finds_languages_by_part_of_a_name_but_not_dead_ones():
    assert language_codes_matching("English") == {"en"}  # not Old or Middle English
    assert "en" in language_codes_matching("engl")
    assert language_codes_matching("de") == {"de"}  # two letters: a code, not "Swe-de-n"
    assert language_codes_matching("  ") == set()
