"""The mix of a circle (formation/_mix.html) draws each attribute as a meter."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from circlewise.formation.wording import MixLine


@pytest.mark.parametrize("language", ["en-gb", "de", "fr", "es"])
def test_meters_read_their_values_in_every_language(language):
    line = MixLine("time zones", "2.5 hours apart", value=2.5, maximum=7.5, best=False,
                   aligned=False)  # fmt: skip
    with translation.override(language):
        html = render_to_string("formation/_mix.html", {"lines": [line]})
    assert 'max="7.5" value="2.5"' in html
