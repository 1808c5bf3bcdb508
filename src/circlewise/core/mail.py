"""Sending email from templates: one place, so every message has the same shape."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template import Context, engines

from circlewise.core.text import one_line

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for an email: emails have no request to build one from."""
    return f"{settings.SITE_URL}{path}"


def render_text(template_name: str, context: Mapping[str, object]) -> str:
    """Render a plain-text template with autoescaping off.

    Autoescaping is for HTML: in a text email it would turn "I'd" into "I&#x27;d". Names and
    notes in emails come from people, so escaping them would show the very text they typed with
    entities in it; a text email cannot run markup, so nothing needs escaping.
    """
    engine = engines["django"].engine  # type: ignore[attr-defined]
    return engine.get_template(template_name).render(Context(context, autoescape=False))


class Attachment(NamedTuple):
    """A file sent with an email, e.g. a calendar invitation (``text/calendar; method=REQUEST``)."""

    filename: str
    content: bytes
    mimetype: str


def send_templated(
    *,
    template: str,
    to: Iterable[str],
    context: Mapping[str, object],
    attachments: Sequence[Attachment] = (),
) -> int:
    """Send ``email/<template>_subject.txt`` + ``email/<template>.txt`` to each address.

    Each recipient gets their own message (so no one sees who else received it). Returns the
    number of messages sent. The subject is made one line whatever the names in it hold (a line
    break would start a new header). Sending runs after the action it reports was saved, so a
    failure is logged and reported as 0 messages sent, never raised into the request or task.
    """
    context = {"site_name": settings.SITE_NAME, **context}
    subject = one_line(render_text(f"email/{template}_subject.txt", context))
    body = render_text(f"email/{template}.txt", context)
    messages = [
        EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=body,
            to=[address],
            attachments=list(attachments),
        )
        for address in to
    ]
    try:
        with mailers.default as connection:
            return connection.send_messages(messages) or 0
    except Exception:  # any backend's failure: SMTP, socket, TLS, a provider's HTTP API
        logger.exception("Could not send the %s email to %d recipients", template, len(messages))
        return 0
