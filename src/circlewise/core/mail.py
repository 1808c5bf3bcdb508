"""Sending email from templates: one place, so every message has the same shape."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.template import Context, engines
from django.utils import translation

from circlewise.core.languages import offered_language
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


def recipient_languages(addresses: Iterable[str]) -> dict[str, str]:
    """Each address's language: its account's saved choice, else the site's (``LANGUAGE_CODE``).

    Emails go out from tasks, where no request says which language to use. Invitees without an
    account, and choices no longer offered (not in ``LANGUAGES``), get the site's language.
    """
    addresses = list(addresses)
    saved = {
        email.casefold(): language
        for email, language in get_user_model()
        .objects.filter(email__in=addresses + [a.casefold() for a in addresses])
        .values_list("email", "language")
    }
    return {address: offered_language(saved.get(address.casefold(), "")) for address in addresses}


def send_templated(
    *,
    template: str,
    to: Iterable[str],
    context: Mapping[str, object],
    attachments: Sequence[Attachment] | Callable[[], Sequence[Attachment]] = (),
) -> int:
    """Send ``email/<template>_subject.txt`` + ``email/<template>.txt`` to each address.

    Each recipient gets their own message (so no one sees who else received it), written in
    their own language (:func:`recipient_languages`; rendered once per language). Returns the
    number of messages sent. The subject is made one line whatever the names in it hold (a line
    break would start a new header). Sending runs after the action it reports was saved, so a
    failure is logged and reported as 0 messages sent, never raised into the request or task.
    """
    context = {"site_name": settings.SITE_NAME, **context}
    rendered: dict[str, tuple[str, str, list[Attachment]]] = {}
    messages = []
    for address, language in recipient_languages(to).items():
        if language not in rendered:
            with translation.override(language):
                subject = one_line(render_text(f"email/{template}_subject.txt", context))
                body = render_text(f"email/{template}.txt", context)
                # Attachments with words in them (a calendar invitation) are made per language.
                files = list(attachments() if callable(attachments) else attachments)
                rendered[language] = (subject, body, files)
        subject, body, files = rendered[language]
        messages.append(
            EmailMultiAlternatives(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                to=[address],
                attachments=files,
            )
        )
    try:
        with mailers.default as connection:
            return connection.send_messages(messages) or 0
    except Exception:  # any backend's failure: SMTP, socket, TLS, a provider's HTTP API
        logger.exception("Could not send the %s email to %d recipients", template, len(messages))
        return 0
