"""Personal access tokens: ``Authorization: Bearer cw_…``, created on the account page."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from circlewise.accounts.models import ApiToken, User

# The account page shows when a token was last used to the minute: recording it at most once a
# minute spares a busy client's every call a write to the same row (and a wait on its lock).
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """Resolve a bearer token to its active user, or None (which ninja answers with 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX):
            return None
        api_token = ApiToken.find(token)
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
            # An update, not save(): two concurrent requests must not overwrite each other's rows.
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
