"""Reads: a circle's contract, who has accepted it, its history and its starting terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import ngettext

from circlewise.circles.models import Circle, CircleMember
from circlewise.contracts.models import ContractAcceptance, ContractTemplate, ContractVersion
from circlewise.contracts.terms import DEFAULT_AGREEMENTS, Terms
from circlewise.core.rows import one_or_none

__all__ = ["ContractStatus", "contract_history", "contract_status", "starting_terms"]


@dataclass(frozen=True)
class ContractStatus:
    """The contract in force (``number`` 0: the starting terms, nobody has accepted yet)."""

    number: int
    terms: Terms
    accepted: list[tuple[CircleMember, datetime]]
    missing: list[CircleMember]

    @property
    def accepted_by_all(self) -> bool:
        return not self.missing and bool(self.accepted)


def starting_terms(*, circle: Circle) -> Terms:
    """The programme's template (or the default agreements), its goal and its duration."""
    programme = circle.programme
    if programme is None:
        return Terms(agreements=DEFAULT_AGREEMENTS, goal=circle.topic, duration="")
    template = one_or_none(ContractTemplate.objects.all(), programme=programme)
    agreements = tuple(template.agreements) if template else DEFAULT_AGREEMENTS
    months = programme.duration_months
    duration = ngettext(
        "%(months)d month from %(start)s", "%(months)d months from %(start)s", months
    ) % {"months": months, "start": date_format(programme.start_date, "j F Y")}
    return Terms(agreements=agreements, goal=programme.goal, duration=duration)


def _terms(version: ContractVersion) -> Terms:
    return Terms(agreements=tuple(version.agreements), goal=version.goal, duration=version.duration)


def contract_status(
    *, circle: Circle, members: Sequence[CircleMember] | None = None
) -> ContractStatus:
    """The current version and, among the circle's members now (``members``, when already
    read), who accepted it and who not."""
    members = list(
        circle.members.filter(left_at__isnull=True).select_related("user", "participant")
        if members is None
        else members
    )
    version = circle.contract_versions.first()
    if version is None:
        return ContractStatus(0, starting_terms(circle=circle), accepted=[], missing=members)
    accepted_at = {
        member_id: at
        for member_id, at in version.acceptances.values_list("member_id", "accepted_at")
    }
    return ContractStatus(
        number=version.number,
        terms=_terms(version),
        accepted=[(m, accepted_at[m.pk]) for m in members if m.pk in accepted_at],
        missing=[m for m in members if m.pk not in accepted_at],
    )


def contract_history(*, circle: Circle) -> list[ContractVersion]:
    """Every version, newest first, with its acceptances (``version.accepted``) in order."""
    acceptances = ContractAcceptance.objects.select_related("member__user", "member__participant")
    return list(
        circle.contract_versions.select_related("created_by").prefetch_related(
            Prefetch("acceptances", queryset=acceptances, to_attr="accepted")
        )
    )
