"""Personal access tokens: ``Authorization: Bearer cw_…``, created on the account page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from circlewise.accounts.models import ApiToken, User


class TokenAuth(HttpBearer):
    """Resolve a bearer token to its active user, or None (which ninja answers with 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX):
            return None
        api_token = ApiToken.find(token)
        if api_token is None or not api_token.user.is_active:
            return None
        # An update, not save(): two concurrent requests must not overwrite each other's rows.
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user
