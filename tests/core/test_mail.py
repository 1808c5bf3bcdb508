"""Emails: plain text, so what people typed arrives as typed (no HTML escaping)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.template import engines
from django.utils import translation

import circlewise
from circlewise.core import mail as mail_module
from circlewise.core.mail import render_text, send_templated
from tests.conftest import make_user

TYPED = 'O\'Brien & <Sons> "quoted"'
TEMPLATES = sorted(
    path.relative_to(path.parents[1]).as_posix()
    for path in Path(circlewise.__file__).parent.glob("**/templates/email/*.txt")
)


class Typed(str):
    """Stands for any value a template asks for: every attribute is the same typed text."""

    def __getattr__(self, name: str) -> str:
        # Not a date: date and time filters would otherwise take it for one.
        if name.startswith("__") or hasattr(datetime, name):
            raise AttributeError(name)
        if name.endswith("_months"):  # a count picks the plural form of a sentence: a number
            return 6
        return "UTC" if name.endswith("zone") else Typed(TYPED)


class Anything(dict):
    """A context that has every name: each template is filled without knowing its variables."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        # {% timezone zone %} needs a real zone; everything else gets the typed text.
        return "UTC" if key.endswith("zone") else Typed(TYPED)


def test_it_finds_the_email_templates():
    assert "email/circle_welcome.txt" in TEMPLATES and len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES)
def test_it_renders_every_email_template_without_html_escaping(template):
    text = render_text(template, Anything())
    assert "&#x27;" not in text and "&amp;" not in text and "&lt;" not in text
    source = engines["django"].engine.get_template(template).source
    assert TYPED in text or "{{" not in source  # each value shows as typed


def test_it_sends_names_with_apostrophes_as_typed(db):
    send_templated(
        template="circle_member_left",
        to=["a@acme.test"],
        context={"leaver_name": "I'd <rather> not", "circle": {"name": "Tom & Jerry"}, "url": "/"},
    )
    message = mail.outbox[-1]
    assert "I'd <rather> not has left Tom & Jerry" in message.body
    assert message.subject == "[Circlewise] I'd <rather> not has left Tom & Jerry"


LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("fr", "Français")]


def test_it_writes_each_email_in_its_recipients_language(db, settings, monkeypatch):
    # Emails are sent by tasks, with no request: each one is rendered in its recipient's language.
    settings.LANGUAGES = LANGUAGES
    for email, language in [
        ("de@acme.test", "de"),
        ("fr@acme.test", "fr"),
        ("gone@acme.test", "xx"),
    ]:
        user = make_user(email)
        user.language = language
        user.save(update_fields=["language"])
    rendered_in: list[tuple[str, str | None]] = []

    def render(template_name: str, context: object) -> str:
        rendered_in.append((template_name, translation.get_language()))
        return f"written in {translation.get_language()}"

    monkeypatch.setattr(mail_module, "render_text", render)
    to = ["de@acme.test", "FR@acme.test", "gone@acme.test", "new@acme.test"]
    with translation.override("fr"):  # the sender's own language must not leak into the emails
        send_templated(template="circle_member_left", to=to, context={})
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies == {
        "de@acme.test": "written in de",
        "FR@acme.test": "written in fr",  # addresses match their account whatever the case
        "gone@acme.test": "written in en-gb",  # a choice no longer offered: the site's language
        "new@acme.test": "written in en-gb",  # an invitee without an account: the site's language
    }
    # Subject and body in the same language, once per language, not once per recipient.
    assert sorted(rendered_in) == sorted(
        (f"email/circle_member_left{part}.txt", language)
        for language in ("de", "fr", "en-gb")
        for part in ("_subject", "")
    )


def test_it_makes_attachments_in_each_recipients_language(db, settings):
    # A calendar invitation has words in it: it is made for each language, like the body.
    settings.LANGUAGES = LANGUAGES
    for email, language in [("de@acme.test", "de"), ("en@acme.test", "en-gb")]:
        user = make_user(email)
        user.language = language
        user.save(update_fields=["language"])

    def invitation() -> list[mail_module.Attachment]:
        words = translation.get_language().encode()
        return [mail_module.Attachment("invitation.ics", words, "text/calendar")]

    to = ["de@acme.test", "en@acme.test"]
    send_templated(template="circle_member_left", to=to, context={}, attachments=invitation)
    files = {message.to[0]: message.attachments[0] for message in mail.outbox}
    assert files["de@acme.test"][1] == "de"  # text attachments are kept as text
    assert files["en@acme.test"][1] == "en-gb"
