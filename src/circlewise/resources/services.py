"""Writes of the resources app: curate a library, share with a circle, mark and reflect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.core.text import clean_line, clean_text
from circlewise.organisations.services import activity_record
from circlewise.resources.errors import ResourceError
from circlewise.resources.models import (
    NOTE_MAX,
    REFLECTION_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    URL_MAX,
    Kind,
    Progress,
    Resource,
    Share,
)

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.circles.models import Circle
    from circlewise.programmes.models import Programme

__all__ = ["clean_link", "progress_record", "resource_add", "resource_remove", "resource_share"]

_http_only = URLValidator(schemes=["http", "https"])


def clean_link(url: str) -> str:
    """An http(s) address: other schemes (javascript:, data:, file:, ftp:) never reach a page."""
    link = clean_line(
        url, label=_("The link"), max_length=URL_MAX, field="url", error=ResourceError
    )
    if not link.lower().startswith(("http://", "https://")):
        raise ResourceError(
            _(
                "The link must start with http:// or https:// (other kinds of links "
                "are not allowed)."
            ),
            field="url",
        )
    try:
        _http_only(link)
    except ValidationError as error:
        raise ResourceError(
            _("The link is not a valid web address; copy it from the browser's address bar."),
            field="url",
        ) from error
    return link


def _clean_tags(tags: str | list[str]) -> list[str]:
    raw = tags.split(",") if isinstance(tags, str) else list(tags)
    cleaned: list[str] = []
    for tag in raw:
        label = _("The tag “%(tag)s”") % {"tag": tag.strip()[:20]}
        tag = clean_line(tag, label=label, max_length=TAG_MAX, required=False, field="tags",
                         error=ResourceError)  # fmt: skip
        if tag and tag.lower() not in (t.lower() for t in cleaned):
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise ResourceError(_("Give at most %(most)s tags.") % {"most": TAGS_MAX}, field="tags")
    return cleaned


@transaction.atomic
def resource_add(
    *,
    by: User,
    kind: str,
    title: str,
    url: str,
    note: str = "",
    tags: str | list[str] = "",
    suggested_month: int | None = None,
    programme: Programme | None = None,
    circle: Circle | None = None,
) -> Resource:
    """Add to a programme's library or to a self-organised circle's own (exactly one of them)."""
    if (programme is None) == (circle is None):
        raise ResourceError(_("A resource belongs to a programme's library or to a circle's."))
    if circle is not None and circle.programme_id is not None:
        raise ResourceError(_("Programme circles share from the programme's library."))
    if kind not in Kind.values:
        kinds = ", ".join(str(label) for label in Kind.labels)
        raise ResourceError(
            _("Choose what kind of resource this is: %(kinds)s.") % {"kinds": kinds}, field="kind"
        )
    title = clean_line(title, label=_("The title"), max_length=TITLE_MAX, field="title",
                       error=ResourceError)  # fmt: skip
    link = clean_link(url)
    note = clean_text(note, label=_("The note"), max_length=NOTE_MAX, required=False, field="note",
                      error=ResourceError)  # fmt: skip
    months = programme.duration_months if programme is not None else 36
    if suggested_month is not None and not 1 <= suggested_month <= months:
        raise ResourceError(
            _("The suggested month must be between 1 and %(months)s.") % {"months": months},
            field="suggested_month",
        )
    owner = programme if programme is not None else circle
    resource = Resource.objects.create(
        organisation_id=owner.organisation_id,  # type: ignore[union-attr]
        programme=programme,
        circle=circle,
        kind=kind,
        title=title,
        url=link,
        note=note,
        tags=_clean_tags(tags),
        suggested_month=suggested_month,
        added_by=by,
    )
    if programme is not None:  # a self-organised circle's own library is the circle's alone
        activity_record(
            organisation=programme.organisation,
            by=by,
            action="resources.add",
            summary=f"Added “{title}” to the library of {programme.name}.",
        )
    return resource


def resource_remove(*, resource: Resource) -> None:
    """Remove from the library; circles it was shared with lose it (and its reflections) too."""
    resource.delete()


def resource_share(*, circle: Circle, resource: Resource, by: User) -> Share:
    """Share a resource of the circle's library with the circle."""
    in_library = (
        resource.programme_id == circle.programme_id
        if circle.programme_id is not None
        else resource.circle_id == circle.pk
    )
    if not in_library:
        raise ResourceError(_("That resource is not in this circle's library."))
    try:
        with transaction.atomic():
            return Share.objects.create(circle=circle, resource=resource, shared_by=by)
    except IntegrityError as error:
        raise ResourceError(
            _("“%(resource)s” is already shared with %(circle)s.")
            % {"resource": resource.title, "circle": circle.name}
        ) from error


def progress_record(*, share: Share, user: User, done: bool, reflection: str) -> Progress:
    """Mark a shared resource read/watched (or not) and keep a reflection the circle can read."""
    reflection = clean_text(reflection, label=_("The reflection"), max_length=REFLECTION_MAX,
                            required=False, field="reflection", error=ResourceError)  # fmt: skip
    progress, _created = Progress.objects.update_or_create(
        share=share,
        user=user,
        defaults={"done": done, "reflection": reflection, "updated_at": timezone.now()},
    )
    return progress
