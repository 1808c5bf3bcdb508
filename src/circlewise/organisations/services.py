"""Changes to organisations and their members."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from circlewise.accounts.models import User
from circlewise.organisations.models import Membership, Organisation, Role


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(*, name: str, by: User) -> Organisation:
    """Create an organisation with its creator as the first admin."""
    organisation = Organisation.objects.create(name=name.strip(), slug=_unique_slug(name))
    Membership.objects.create(organisation=organisation, user=by, role=Role.ADMIN)
    return organisation
