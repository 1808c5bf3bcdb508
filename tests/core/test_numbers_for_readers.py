"""Numbers written for people follow the reader's language (``circlewise.words``); CSV files keep
plain numbers for machines."""

from __future__ import annotations

import pytest
from django.utils import translation

from circlewise import words

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "figure", "share"),
    [("en-gb", "4.0", "76%"), ("de", "4,0", f"76{NBSP}%"), ("fr", "4,0", f"76{NBSP}%"),
     ("es", "4,0", f"76{NBSP}%")],
)  # fmt: skip
def test_it_writes_decimals_and_percentages_in_the_readers_language(language, figure, share):
    with translation.override(language):
        assert words.decimal(4) == figure
        assert words.percent(0.756) == share


def test_it_writes_whole_numbers_without_decimals_and_groups_thousands():
    with translation.override("de"):
        assert words.decimal(1234.56, places=0) == "1.235"
        assert words.decimal(1234.56) == "1.234,6"


@pytest.mark.parametrize(
    ("language", "written"), [("en-gb", "62%"), ("de", f"62{NBSP}%"), ("fr", f"62{NBSP}%")]
)
def test_templates_write_percentages_by_the_same_rule(language, written):
    from django.template import Context, Template

    page = Template("{% load numbers %}[{{ share|percent }}][{{ none|percent }}]")
    with translation.override(language):
        assert page.render(Context({"share": 0.62, "none": None})) == f"[{written}][]"
