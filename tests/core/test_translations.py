"""Only complete languages are offered: a language misses no string of the product's catalogue.

The product's strings are extracted afresh (``makemessages`` over a copy of the source, so the
repository's catalogues are untouched) and each offered language's catalogue must translate every
one of them, none fuzzy. To offer a language: translate ``locale/<code>/LC_MESSAGES/django.po``
completely, then add it to ``settings.LANGUAGES``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.urls import reverse

import circlewise
from tests.conftest import client_for, make_user

SOURCE = Path(circlewise.__file__).parent
ENGLISH = settings.LANGUAGE_CODE
OFFERED = [code for code, _ in settings.LANGUAGES if code.split("-")[0] != "en"]


def extract_strings(source: Path, workdir: Path) -> set[str]:
    """Every msgid marked for translation in ``source`` (code and templates)."""
    copy = workdir / "source"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("static", "locale", "__pycache__"))
    (copy / "locale").mkdir()
    django_admin = Path(sys.executable).with_name("django-admin")
    # Without the project's settings (which need production secrets when DEBUG is off):
    # makemessages only reads files.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        # A real locale (not a made-up one) so plural strings get a Plural-Forms header Babel reads.
        [django_admin, "makemessages", "--locale", "en", "--no-obsolete", "--no-location"],
        cwd=copy, env=env, check=True, capture_output=True,
    )  # fmt: skip
    po = copy / "locale/en/LC_MESSAGES/django.po"
    if not po.exists():  # makemessages writes nothing when nothing is marked
        return set()
    with po.open("rb") as file:
        return {_key(m.id) for m in read_po(file) if m.id}


@pytest.fixture(scope="module")
def product_strings(tmp_path_factory) -> set[str]:
    return extract_strings(SOURCE, tmp_path_factory.mktemp("extract"))


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def missing_translations(catalogue: Catalog, wanted: set[str]) -> list[str]:
    """The wanted msgids the catalogue lacks, leaves untranslated or marks fuzzy."""
    done = {
        _key(m.id)
        for m in catalogue
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    return sorted(wanted - done)


def _catalogue(code: str) -> Catalog:
    with (SOURCE / "locale" / code / "LC_MESSAGES" / "django.po").open("rb") as file:
        return read_po(file, locale=code)


def language_problems(code: str, product_strings: set[str]) -> list[str]:
    """Why ``code`` is not complete; [] when it may be offered."""
    if not product_strings:
        return ["nothing in the product is marked for translation"]
    if not (SOURCE / "locale" / code / "LC_MESSAGES" / "django.po").exists():
        return [f"there is no catalogue locale/{code}/LC_MESSAGES/django.po"]
    return missing_translations(_catalogue(code), product_strings)


def test_it_offers_a_language_only_when_its_catalogue_is_complete(product_strings):
    problems = {code: language_problems(code, product_strings) for code in OFFERED}
    assert {code: found for code, found in problems.items() if found} == {}


def test_it_would_refuse_a_language_that_misses_one_string(product_strings):
    # A string added to the product but not yet translated: offering German must then fail.
    added = "A sentence added after the translation"
    assert language_problems("de", product_strings | {added}) == [added]


def test_it_finds_missing_untranslated_and_fuzzy_strings(tmp_path):
    catalogue = Catalog(locale="de")
    catalogue.add("Save settings", "Einstellungen speichern")
    catalogue.add("Find a circle", "")
    catalogue.add("Leave this circle", "Diesen Kreis verlassen", flags=["fuzzy"])
    with (tmp_path / "django.po").open("wb") as file:  # and through a .po file, as read above
        write_po(file, catalogue)
    with (tmp_path / "django.po").open("rb") as file:
        again = read_po(file, locale="de")
    wanted = {"Save settings", "Find a circle", "Leave this circle", "Account settings"}
    expected = ["Account settings", "Find a circle", "Leave this circle"]
    assert missing_translations(catalogue, wanted) == expected
    assert missing_translations(again, wanted) == expected


def test_it_extracts_marked_strings_from_templates_and_code(tmp_path):
    # A broken extraction would find nothing, and every language would look complete.
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "templates/page.html").write_text(
        '{% load i18n %}<h1>{% translate "Find a circle" %}</h1><p>Not marked</p>'
    )
    (app / "views.py").write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        'MESSAGE = _("Circle details saved.")\n'
        'PLURAL = ngettext("%(count)d circle", "%(count)d circles", 2)\n'
    )
    expected = {"Find a circle", "Circle details saved.", "%(count)d circle"}
    assert extract_strings(app, tmp_path) == expected


def test_it_offers_exactly_the_offered_languages_in_account_settings(db):
    page = client_for(make_user("ann@example.test")).get("/account/settings/").content.decode()
    if len(settings.LANGUAGES) == 1:
        assert 'name="language"' not in page  # nothing to choose
    else:
        for code, name in settings.LANGUAGES:
            assert f'<option value="{code}"' in page and name in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en-gb", "You are <strong>a member</strong> here."),
        # German capitalises nouns: a lower-cased label would read "mitglied".
        ("de", "Sie sind hier <strong>Mitglied</strong>."),
        ("fr", "Vous êtes <strong>membre</strong> ici."),
    ],
)
def test_a_choice_inside_a_sentence_reads_as_that_language_writes_it(
    member, language, sentence
) -> None:
    member.language = language
    member.save(update_fields=["language"])
    page = client_for(member).get(reverse("organisations:dashboard", args=["acme"]))
    assert sentence in page.content.decode()
