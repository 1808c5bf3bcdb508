"""Template filters for circles: members named by the one rule of :mod:`circles.selectors`."""

from __future__ import annotations

from django import template

from circlewise.circles.models import CircleMember
from circlewise.circles.selectors import member_name as name_of

register = template.Library()


@register.filter
def member_name(member: CircleMember, default: str = "A member") -> str:
    """``{{ member|member_name }}``, or ``{{ member|member_name:"a member" }}`` mid-sentence."""
    return name_of(member, default=default)
