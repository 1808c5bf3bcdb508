from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Emails are stored lower-case so that invitations and CSV rows match accounts.

    A few of allauth's messages are reworded to say what happened and what to do next.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": (
            "That code is not right. Check the most recent email we sent you and type the code "
            "exactly; after a few wrong tries you will need to ask for a new one."
        ),
        "too_many_login_attempts": (
            "Too many failed attempts to log in to this account. Wait a few minutes and try "
            "again, or reset your password."
        ),
        "email_password_mismatch": "The email address or password is not correct.",
    }

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor messages that say what to do next."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "That code is not right. Type the 6-digit code your authenticator app shows now "
            "(codes change every 30 seconds), or use one of your recovery codes."
        ),
    }
