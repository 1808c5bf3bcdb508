"""Emails: plain text, so what people typed arrives as typed (no HTML escaping)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.template import engines

import circlewise
from circlewise.core.mail import render_text, send_templated

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
