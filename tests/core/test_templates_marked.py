"""Every user-visible word in a template is marked for translation.

The product ships in several languages, so a template may show words only through
``{% translate %}`` or ``{% blocktranslate %}``. This test reads every template with Django's
own lexer, blanks out everything the template language produces (variables, tags, translated
text), then removes what a reader never sees (HTML comments, tags, entities, ``<script>`` and
``<style>`` bodies, URLs). Any letter still standing is an English word a German, French or
Spanish reader would get untranslated. The attributes people read (``aria-label``, ``title``,
``placeholder``, ``alt``, button values) are checked too, as are literal words handed to filters
(``|default:"none"``) and to included templates (``with title="…"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, Token, TokenType

import circlewise

SOURCE = Path(circlewise.__file__).parent
TEMPLATES = sorted(p for p in SOURCE.rglob("*") if p.is_file() and "templates" in p.parts)

# The brand is a name, not a word: it stays "Circlewise" in every language.
ALLOWED = {"Circlewise"}

HOLE = "\x00"  # stands for anything the template language renders (never a letter)
LETTER = re.compile(r"[^\W\d_]")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
# A tag name may itself be rendered: <{% if href %}a{% else %}button{% endif %}>.
TAG = re.compile(r"<[/!]?[a-zA-Z\x00][^>]*>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
URL = re.compile(r"\b(https?|mailto):\S+")
ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*')""")
# data-label: a table cell shows its column name on a phone (CSS content: attr(data-label)).
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "label", "data-label"}
LITERAL_ARG = re.compile(r"""\|\s*(\w+)\s*:\s*("[^"]*"|'[^']*')""")
# These filters take a format code ("j M Y"), not words.
FORMAT_FILTERS = {"date", "time", "stringformat"}
READ_KWARGS = "title|label|text|heading|legend|help|caption|summary"
INCLUDE_KWARG = re.compile(rf"""\b({READ_KWARGS})=("[^"]*"|'[^']*')""")
QUOTED = re.compile(r"""("[^"]*"|'[^']*')""")
TRANSLATION_OPENERS = {"blocktranslate", "blocktrans"}
TRANSLATION_CLOSERS = {"endblocktranslate", "endblocktrans"}
# Blocks whose text is not shown: comments, and the CSS class a page adds to <main>.
SKIPPED_BLOCKS = {
    "comment": "endcomment",
    "verbatim": "endverbatim",
    "block main_class": "endblock",
}


def _has_words(text: str) -> bool:
    for word in ALLOWED:
        text = text.replace(word, " ")
    return bool(LETTER.search(text))


def _words(text: str) -> str:
    return " ".join(text.replace(HOLE, "…").split())


def _skeleton(tokens: list[Token]) -> tuple[str, list[str]]:
    """The template's literal text with every rendered part replaced by HOLE.

    Also returns the problems found inside template tags and variables (literal words handed
    to filters or to included templates).
    """
    parts: list[str] = []
    problems: list[str] = []
    translating = False
    skipping_until = ""
    for token in tokens:
        name = token.contents.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
        if skipping_until:
            skipping_until = "" if name == skipping_until else skipping_until
            continue
        skipped = SKIPPED_BLOCKS.get(token.contents.strip()) or SKIPPED_BLOCKS.get(name)
        if token.token_type == TokenType.BLOCK and skipped:
            skipping_until = skipped
            parts.append(HOLE)
            continue
        if name in TRANSLATION_OPENERS:
            translating = True
        elif name in TRANSLATION_CLOSERS:
            translating = False
        if token.token_type == TokenType.TEXT and not translating:
            parts.append(token.contents)
            continue
        parts.append(HOLE)
        problems += _literal_words(token)
    return "".join(parts), problems


def _literal_words(token: Token) -> list[str]:
    if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
        return []
    # Filters take arguments in tags too: {% blocktranslate with x=y|default:"none" %}.
    found = [v for f, v in LITERAL_ARG.findall(token.contents) if f not in FORMAT_FILTERS]
    if token.token_type == TokenType.BLOCK and token.contents.startswith(("include", "with")):
        found += [v for _, v in INCLUDE_KWARG.findall(token.contents)]
    if token.token_type == TokenType.BLOCK and token.contents.startswith("firstof"):
        found += QUOTED.findall(token.contents)
    return [f"literal {v} in {{{{ {token.contents} }}}}" for v in found if _has_words(v[1:-1])]


def _attribute_words(tag: str) -> list[str]:
    attributes = {k.lower(): v[1:-1] for k, v in ATTRIBUTE.findall(tag)}
    read = set(READ_ATTRIBUTES)
    if tag.lower().startswith("<input") and attributes.get("type") in {"submit", "button", "reset"}:
        read.add("value")
    return [
        f'{name}="{_words(value)}"'
        for name, value in attributes.items()
        if name in read and _has_words(value)
    ]


def unmarked_text(source: str, *, html: bool = True) -> list[str]:
    """The user-visible text in a template source that is not marked for translation."""
    skeleton, problems = _skeleton(Lexer(source).tokenize())
    if html:
        skeleton = SCRIPT_OR_STYLE.sub(HOLE, HTML_COMMENT.sub(HOLE, skeleton))
        for tag in TAG.findall(skeleton):
            problems += _attribute_words(tag)
        skeleton = ENTITY.sub(HOLE, TAG.sub(HOLE, skeleton))
    skeleton = URL.sub(HOLE, skeleton)
    for line in skeleton.split(HOLE):
        if _has_words(line):
            problems.append(_words(line))
    return problems


def test_the_checker_finds_unmarked_words() -> None:
    bad = """{% load i18n %}<h1 title="Tip">Welcome</h1>
    <p>{% translate "Fine" %}</p>{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %}
    <!-- a comment --><script>var s = "code";</script>{{ y|default:"none" }}
    <img alt="A photo" src="/a.png"><input type="submit" value="Save"> &nbsp; 3 · {{ z }}
    <a href="{% url 'x' %}" aria-label="Open {{ n }}">Go</a>{% comment %}notes{% endcomment %}
    {% blocktranslate with who=p|default:"nobody" %}Hi {{ who }}{% endblocktranslate %}
    {% firstof a "Someone" %}"""
    assert unmarked_text(bad) == [
        'literal "none" in {{ y|default:"none" }}',
        'literal "nobody" in {{ blocktranslate with who=p|default:"nobody" }}',
        'literal "Someone" in {{ firstof a "Someone" }}',
        'title="Tip"',
        'alt="A photo"',
        'value="Save"',
        'aria-label="Open …"',
        "Welcome",
        "Go",
    ]


def test_the_checker_accepts_marked_templates() -> None:
    good = """{% load i18n %}<title>{% translate "Home" %} · Circlewise</title>
    <a href="https://example.org/x" title="{% translate 'Tip' %}">{{ name }}</a>
    <input type="submit" value="{% translate 'Save' %}"> {{ when|date:"j M Y" }} — 1 · 5"""
    assert unmarked_text(good) == []


def test_plain_text_templates_are_checked_without_html_rules() -> None:
    assert unmarked_text("Hello <b>{{ name }}</b>", html=False) == ["Hello <b>", "</b>"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_template_marks_every_visible_word(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    problems = unmarked_text(source, html=path.suffix != ".txt")
    assert problems == [], f"{path.relative_to(SOURCE)} shows unmarked text: {problems}"
