"""Changes to a person's account: personal access tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from circlewise.accounts.models import ApiToken, User
from circlewise.core.errors import ServiceError

__all__ = [
    "MAX_ACTIVE_TOKENS",
    "TokenError",
    "api_token_create",
    "api_token_revoke",
    "api_tokens_revoke_all",
]

# Enough for a few scripts and integrations; more usually means old tokens were never revoked.
MAX_ACTIVE_TOKENS = 20


class TokenError(ServiceError):
    pass


@transaction.atomic
def api_token_create(
    *, user: User, name: str, lifetime: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Issue a token; return it with the raw key, which is shown once and never stored.

    With a ``lifetime`` the token stops working that long from now; without one it works until
    revoked (or until the owner's password changes).
    """
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name, so you know later what uses it.", field="name")
    active = ApiToken.objects.active().filter(user=user)
    if active.filter(name__iexact=name).exists():
        raise TokenError(
            f"You already have a token called “{name}”. Choose another name.", field="name"
        )
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"You have {MAX_ACTIVE_TOKENS} active tokens, the most allowed. Revoke one you no "
            "longer use first."
        )
    if lifetime is not None and lifetime <= timedelta(0):
        raise TokenError("A token must work for at least a day.", field="lifetime")
    expires_at = timezone.now() + lifetime if lifetime is not None else None
    return ApiToken.issue(user=user, name=name, expires_at=expires_at)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token from working. Only its owner may revoke it."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise TokenError("That token belongs to someone else.")
    if token.revoked_at is not None:
        raise TokenError(f"The token “{token.name}” was already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of ``user``: their password changed, so whoever held it may
    have made tokens too. Returns how many were revoked."""
    return ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
