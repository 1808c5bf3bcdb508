"""Resources: a curated library (a programme's, or a self-organised circle's own), what a circle's
coach or host shares with it between sessions, and what each member read and thought of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circlewise.circles.models import Circle
from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Programme

TITLE_MAX = 200
URL_MAX = 500
NOTE_MAX = 2000
TAG_MAX = 40
TAGS_MAX = 10
REFLECTION_MAX = 2000


class Kind(models.TextChoices):
    TALK = "talk", pgettext_lazy("kind of resource", "Talk")
    PODCAST = "podcast", _("Podcast")
    BOOK = "book", pgettext_lazy("kind of resource", "Book")
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Video")


# The choices as words inside a sentence: strings of their own, because lower-casing a label
# would break languages that capitalise nouns.
KIND_IN_SENTENCE = {
    Kind.TALK: pgettext_lazy("in a sentence: a kind of resource", "talk"),
    Kind.PODCAST: pgettext_lazy("in a sentence: a kind of resource", "podcast"),
    Kind.BOOK: pgettext_lazy("in a sentence: a kind of resource", "book"),
    Kind.ARTICLE: pgettext_lazy("in a sentence: a kind of resource", "article"),
    Kind.VIDEO: pgettext_lazy("in a sentence: a kind of resource", "video"),
}


class Resource(models.Model):
    """One item of a library: the programme's (``programme``) or a circle's own (``circle``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    circle = models.ForeignKey(
        Circle, null=True, blank=True, on_delete=models.CASCADE, related_name="own_resources"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX)
    url = models.URLField("Link", max_length=URL_MAX)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # The month of the programme it suits best (1 = the first month), if any.
    suggested_month = models.PositiveSmallIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("suggested_month").asc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(programme__isnull=True) ^ models.Q(circle__isnull=True),
                name="resource_in_one_library",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_in_sentence(self) -> str:
        return str(KIND_IN_SENTENCE[Kind(self.kind)])


class Share(models.Model):
    """A resource the coach or host shared with a circle for the time until the next session."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="shared_resources")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "resource"], name="share_once_per_circle")
        ]

    def __str__(self) -> str:
        return f"{self.resource} shared with {self.circle}"


class Progress(models.Model):
    """A member's mark (read, watched, listened to) and reflection; the circle sees both."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.BooleanField(default=False)
    reflection = models.TextField(max_length=REFLECTION_MAX, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["share", "user"], name="one_progress_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.share.resource}"
