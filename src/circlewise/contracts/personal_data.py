"""This app's part of "Your data": the contract versions the person accepted or wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.contracts.models import ContractAcceptance, ContractVersion

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "contract_acceptances": rows(
            ContractAcceptance.objects.filter(member__user=user).order_by("accepted_at"),
            "accepted_at",
            circle_name=F("version__circle__name"),
            version_number=F("version__number"),
            agreements=F("version__agreements"),
            goal=F("version__goal"),
        ),
        "contract_versions_written": rows(
            ContractVersion.objects.filter(created_by=user).order_by("created_at"),
            "number",
            "created_at",
            circle_name=F("circle__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Versions are the circle's and acceptances stay with the ended seat ("a former member"
    accepted version 2), so the circle's contract history reads as before; only who wrote a
    version goes."""
    ContractVersion.objects.filter(created_by=user).update(created_by=None)


SECTION = Section(
    key="contracts",
    covers=("contracts.ContractVersion.created_by",),
    export=export,
    erase=erase,
)
