"""Formation's messages name a group's language, not its code."""

from __future__ import annotations

from circlewise.formation.runs import _group


def test_it_names_a_language_group_by_the_languages_name():
    assert _group({"language": "de"}) == " (language German)"
    assert _group({"language": "de", "meeting_window": "Mon 09:00"}) == (
        " (language German, meeting time Mon 09:00)"
    )
