"""Changes to a person's account: personal access tokens, deleting the account."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.accounts.models import ApiToken, User
from circlewise.accounts.personal_data import personal_data_erase
from circlewise.core.errors import ServiceError
from circlewise.core.mail import send_templated

__all__ = [
    "MAX_ACTIVE_TOKENS",
    "AccountError",
    "TokenError",
    "account_delete",
    "account_delete_blockers",
    "api_token_create",
    "api_token_revoke",
    "api_tokens_revoke_all",
]

# Enough for a few scripts and integrations; more usually means old tokens were never revoked.
MAX_ACTIVE_TOKENS = 20


class TokenError(ServiceError):
    pass


class AccountError(ServiceError):
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
        raise TokenError(_("Give the token a name, so you know later what uses it."), field="name")
    active = ApiToken.objects.active().filter(user=user)
    if active.filter(name__iexact=name).exists():
        raise TokenError(
            _("You already have a token called “%(name)s”. Choose another name.") % {"name": name},
            field="name",
        )
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _(
                "You have %(most)s active tokens, the most allowed. "
                "Revoke one you no longer use first."
            )
            % {"most": MAX_ACTIVE_TOKENS}
        )
    if lifetime is not None and lifetime <= timedelta(0):
        raise TokenError(_("A token must work for at least a day."), field="lifetime")
    expires_at = timezone.now() + lifetime if lifetime is not None else None
    return ApiToken.issue(user=user, name=name, expires_at=expires_at)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token from working. Only its owner may revoke it."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise TokenError(_("That token belongs to someone else."))
    if token.revoked_at is not None:
        raise TokenError(_("The token “%(token)s” was already revoked.") % {"token": token.name})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of ``user``: their password changed, so whoever held it may
    have made tokens too. Returns how many were revoked."""
    return ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())


def account_delete_blockers(*, user: User) -> list[str]:
    """Why the account cannot be deleted yet: each message says what to hand over first.

    A circle needs its host and an organisation its admin, so the person hands those roles over
    themselves (they know to whom) rather than Circlewise choosing a successor for them.
    """
    from circlewise.circles.models import Circle, CircleStatus
    from circlewise.organisations.models import Membership, Role

    reasons = [
        _("You host the circle “%(circle)s”: hand the host role to another member on the "
          "circle's page first.") % {"circle": circle.name}
        for circle in Circle.objects.filter(host=user, status=CircleStatus.ACTIVE).order_by("name")
    ]  # fmt: skip
    for membership in Membership.objects.filter(user=user, role=Role.ADMIN).select_related(
        "organisation"
    ):
        others = Membership.objects.filter(
            organisation=membership.organisation, role=Role.ADMIN
        ).exclude(user=user)
        if not others.exists():
            reasons.append(
                _("You are the only admin of %(organisation)s: make another member an admin "
                  "(on its Members page) first.") % {"organisation": membership.organisation.name}
            )  # fmt: skip
    return reasons


def account_delete(*, user: User) -> None:
    """Delete the person's account in one transaction (see
    :mod:`circlewise.accounts.personal_data`: personal content goes, an anonymous tombstone
    keeps answers and attendance counted).

    Steps: lock the user row; refuse while they host an active circle or are an organisation's
    only admin; erase every app's section; after the commit, tell the address they had (once,
    from memory: it is stored nowhere any more) and queue the removal of their stored login
    sessions (they stop working at once anyway: the password hash they were bound to changed).
    """
    from circlewise.accounts.tasks import account_sessions_delete

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            raise AccountError(_("This account has already been deleted."))
        blockers = account_delete_blockers(user=user)
        if blockers:
            raise AccountError(" ".join(blockers))
        address, name = user.email, user.name
        personal_data_erase(user=user)
        transaction.on_commit(
            lambda: send_templated(template="account_deleted", to=[address], context={"name": name})
        )
        transaction.on_commit(lambda: account_sessions_delete.enqueue(user.pk))
