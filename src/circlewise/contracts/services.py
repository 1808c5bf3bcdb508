"""Changes to contracts: members accept or change their circle's contract; programmes set the
agreements their circles start from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.contracts.errors import ContractError
from circlewise.contracts.models import ContractAcceptance, ContractTemplate, ContractVersion
from circlewise.contracts.selectors import starting_terms
from circlewise.contracts.terms import Terms, clean_terms
from circlewise.organisations.services import activity_record

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.programmes.models import Programme

__all__ = ["contract_accept", "contract_change", "contract_template_set"]


def _member_of(circle: Circle, user: User) -> tuple[Circle, CircleMember]:
    """Lock the circle (so versions are numbered one at a time) and find the user's seat."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.status != CircleStatus.ACTIVE:
        raise ContractError(_("This circle is closed; its contract can no longer change."))
    member = circle.members.filter(user=user, left_at__isnull=True).first()
    if member is None:
        raise ContractError(_("Only the circle's members accept or change its contract."))
    return circle, member


def _new_version(circle: Circle, terms: Terms, by: User) -> ContractVersion:
    latest = circle.contract_versions.first()
    return ContractVersion.objects.create(
        circle=circle,
        number=(latest.number if latest else 0) + 1,
        agreements=list(terms.agreements),
        goal=terms.goal,
        duration=terms.duration,
        created_by=by,
    )


@transaction.atomic
def contract_accept(*, circle: Circle, user: User, number: int) -> ContractAcceptance:
    """Accept version ``number`` (0: the starting terms, which become version 1).

    The number is the version the member read: if the contract changed meanwhile, nothing is
    accepted and they are asked to read the new one.
    """
    circle, member = _member_of(circle, user)
    version = circle.contract_versions.first()
    if (version.number if version else 0) != number:
        raise ContractError(
            _("The contract changed while you were reading it: read the new version and accept it.")
        )
    if version is None:
        version = _new_version(circle, starting_terms(circle=circle), user)
    if version.acceptances.filter(member=member).exists():
        raise ContractError(_("You have already accepted this version."))
    return ContractAcceptance.objects.create(version=version, member=member)


@transaction.atomic
def contract_change(
    *, circle: Circle, user: User, agreements: Sequence[str], goal: str, duration: str
) -> ContractVersion:
    """Make a new version; everyone accepts again (the member who changed it already has)."""
    circle, member = _member_of(circle, user)
    terms = clean_terms(agreements=agreements, goal=goal, duration=duration)
    latest = circle.contract_versions.first()
    current = (
        Terms(tuple(latest.agreements), latest.goal, latest.duration)
        if latest
        else starting_terms(circle=circle)
    )
    if terms == current:
        raise ContractError(_("Nothing changed: the contract already says this."))
    version = _new_version(circle, terms, user)
    ContractAcceptance.objects.create(version=version, member=member, accepted_at=timezone.now())
    return version


@transaction.atomic
def contract_template_set(
    *, programme: Programme, by: User, agreements: Sequence[str]
) -> ContractTemplate:
    """Set the agreements the programme's circles start from (circles with a contract keep it)."""
    terms = clean_terms(agreements=agreements, goal="", duration="")
    template, _ = ContractTemplate.objects.update_or_create(
        programme=programme,
        defaults={"agreements": list(terms.agreements), "updated_at": timezone.now()},
    )
    activity_record(
        organisation=programme.organisation,
        by=by,
        action="contract.template",
        summary=f"Set the contract template of {programme.name} "
        f"({len(terms.agreements)} agreement{'s' if len(terms.agreements) != 1 else ''}).",
    )
    return template
