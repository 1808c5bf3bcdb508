from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from circlewise.accounts.models import User


class AccountsConfig(AppConfig):
    name = "circlewise.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set

        from circlewise.accounts import services

        def revoke_tokens(sender: object, request: object, user: User, **kwargs: object) -> None:
            services.api_tokens_revoke_all(user=user)

        # A password change is how people lock out someone who learnt it: their API tokens go too.
        for signal in (password_changed, password_set, password_reset):
            signal.connect(revoke_tokens, dispatch_uid=f"revoke-tokens-{signal!r}", weak=False)
