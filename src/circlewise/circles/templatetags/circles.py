"""Template filters for circles: members named by the one rule of :mod:`circles.selectors`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import template
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from circlewise.circles.models import CircleMember
from circlewise.circles.selectors import member_name as name_of
from circlewise.circles.selectors import person_name as person_name_of

if TYPE_CHECKING:
    from circlewise.accounts.models import User

register = template.Library()


@register.filter
def member_name(member: CircleMember, default: str = "A member") -> str:
    """``{{ member|member_name }}``, or ``{{ member|member_name:"a member" }}`` mid-sentence."""
    return name_of(member=member, default=default)


@register.filter
def member_names(members: Iterable[CircleMember]) -> str:
    """``{{ others|member_names }}``: "Ann, Bo and Cy", in the active language, as one value a
    translated sentence can hold."""
    names = [name_of(member=member, default=_("a member")) for member in members]
    return str(get_text_list(names, pgettext("before the last of several names", "and")))


@register.filter
def person_name(user: User) -> str:
    """``{{ absence.user|person_name }}``: a name, else the address, or "a former member"."""
    return person_name_of(user=user)
