from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from circlewise.accounts.models import User
from circlewise.core.languages import offered_language


class AccountAdapter(DefaultAccountAdapter):
    """Emails are stored lower-case so that invitations and CSV rows match accounts.

    A few of allauth's messages are reworded to say what happened and what to do next.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": (
            _(
                "That code is not right. Check the most recent email we sent you and type the code "
                "exactly; after a few wrong tries you will need to ask for a new one."
            )
        ),
        "too_many_login_attempts": (
            _(
                "Too many failed attempts to log in to this account. Wait a few minutes and try "
                "again, or reset your password."
            )
        ),
        "email_password_mismatch": _("The email address or password is not correct."),
    }

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def save_user(
        self, request: HttpRequest, user: User, form: forms.Form, commit: bool = True
    ) -> User:
        # A new account keeps the language its sign-up page was shown in (the browser's choice),
        # so its emails and its pages on other browsers are in that language too.
        user.language = offered_language(get_language() or "")
        saved: User = super().save_user(request, user, form, commit)
        return saved


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor messages that say what to do next."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            _(
                "That code is not right. Type the 6-digit code your authenticator app shows now "
                "(codes change every 30 seconds), or use one of your recovery codes."
            )
        ),
    }
