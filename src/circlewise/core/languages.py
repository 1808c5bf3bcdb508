"""Spoken languages: stored as ISO 639 codes ("en", "de"), shown and searched by name.

Names come from the Unicode CLDR through Babel, which has data for about 300 living languages
and names them in every interface language, so a German page can say "Englisch" where an English
one says "English". (Django's own ``LANG_INFO`` names only the hundred languages Django is
translated into: no Filipino, Amharic, Hausa, Yoruba or Zulu, which a global staff speaks.)

People may type a code, the English name, the language's own name ("Deutsch") or its name in the
language the page is shown in; regional variants ("en-GB", "pt_BR") fold to the language.

Apart from those: :func:`offered_language` says which interface language (``settings.LANGUAGES``)
a person's saved choice means today, for their pages and their emails.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from django.conf import settings
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _

__all__ = ["language_codes_matching", "language_name", "offered_language", "parse_language"]

# Plain language codes only: CLDR also names regions of languages ("en_GB") and scripts.
_CODE = re.compile(r"^[a-z]{2,3}$")


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _names(ui_language: str) -> dict[str, str]:
    """Code -> the language's name in ``ui_language`` (falling back to English)."""
    english = _locale("en")
    assert english is not None
    names = {code: name for code, name in english.languages.items() if _CODE.match(code)}
    ui = _locale(ui_language)
    if ui is not None:
        names.update({code: n for code, n in ui.languages.items() if code in names})
    return names


@cache
def _spoken() -> frozenset[str]:
    """Languages CLDR has locale data for: the living ones (about 300), not Old English."""
    return frozenset(code for code in locale_identifiers() if _CODE.match(code))


@cache
def _lookup(ui_language: str) -> dict[str, str]:
    """Lower-cased code, English name, own name or interface-language name -> code."""
    lookup: dict[str, str] = {}
    for code, name in _names("en").items():
        if code not in _spoken():
            continue
        own = _locale(code)
        keys = (code, name, own.get_display_name(code) if own else None, _names(ui_language)[code])
        for key in keys:
            if key:
                lookup.setdefault(key.casefold(), code)
    return lookup


def _ui() -> str:
    return get_language() or "en"


def _base(code: str) -> str:
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def language_name(code: str) -> str:
    """The name of a language in the page's language; text that is not a code comes back as is."""
    return _names(_ui()).get(_base(code), code) if code else ""


def parse_language(text: str) -> str:
    """The code of a language given by code or name; ValueError with a message otherwise."""
    key = text.strip().casefold()
    code = _lookup(_ui()).get(key) or _lookup(_ui()).get(_base(key))
    if code is None:
        raise ValueError(
            _("“%(text)s” is not a language we know; use a name or a code like de.")
            % {"text": text.strip()}
        )
    return code


def language_codes_matching(text: str) -> set[str]:
    """Codes of every language whose code is, or whose name contains, ``text`` ("Eng" -> en)."""
    needle = text.strip().casefold()
    if not needle:
        return set()
    return {
        code
        for key, code in _lookup(_ui()).items()
        if key == needle or (len(needle) >= 3 and needle in key)
    }


def offered_language(saved: str) -> str:
    """The interface language for a person's saved choice: the choice (or its offered variant,
    "de" for "de-at") while ``settings.LANGUAGES`` offers it, else the site's language."""
    try:
        return get_supported_language_variant(saved)
    except LookupError:  # also for "" (no saved choice)
        return settings.LANGUAGE_CODE
