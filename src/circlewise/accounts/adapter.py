from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Emails are stored lower-case so that invitations and CSV rows match accounts."""

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()
