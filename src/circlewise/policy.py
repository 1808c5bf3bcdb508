"""Who may see and do what. The one place that decides; views and the API only ask.

Two rules run through every answer, so that nothing leaks between organisations or circles:
- what a person may not *see* is reported as missing (404), never as forbidden;
- what they may see but not *change* is forbidden (403).

Organisation-level permissions come from the member's role (``ROLE_PERMISSIONS``); object-level
answers (a programme, a circle) add who is in it. Pages and the API reach every object through
one helper per kind (:func:`programme_for`, :func:`run_for`, :func:`circle_for`,
:func:`circle_inside_for`), always within
the membership's organisation.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.circles.models import Circle, CircleMember
from circlewise.core.rows import one_or_none
from circlewise.formation.models import FormationRun
from circlewise.insights.models import OutcomeRequest, PulseRequest
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.organisations.selectors import memberships_of
from circlewise.programmes.models import ParticipantStatus, Programme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from circlewise.accounts.models import User
    from circlewise.insights.models import PulseAnswer
    from circlewise.journal.models import JournalEntry
    from circlewise.programmes.models import Participant

__all__ = [
    "NEW_ORGANISATION_AGE",
    "ROLE_PERMISSIONS",
    "Perm",
    "can",
    "can_host_circle",
    "can_lead_circle",
    "can_manage_circle",
    "can_read_pulse_comment",
    "can_schedule_circle",
    "can_see_circle",
    "can_see_circle_insights",
    "can_see_circle_private",
    "can_see_journal_entry",
    "can_see_programme",
    "can_see_programme_insights",
    "can_see_sessions",
    "circle_for",
    "circle_inside_for",
    "circle_insights_for",
    "circle_sessions_for",
    "enter_organisation",
    "mail_allowance",
    "may_claim",
    "membership_or_404",
    "outcome_request_for",
    "permissions_of",
    "programme_for",
    "programme_insights_for",
    "pulse_request_for",
    "require",
    "run_for",
    "verified_emails",
    "visible_circles",
]

# An organisation this young may send only ``MAIL_LIMIT_NEW_ORGANISATION`` emails an hour.
NEW_ORGANISATION_AGE = timedelta(days=7)


class Perm(StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_PROGRAMMES = "view_programmes"
    MANAGE_PROGRAMMES = "manage_programmes"
    START_CIRCLE = "start_circle"
    VIEW_ACTIVITY = "view_activity"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.COACH: frozenset(
        {Perm.VIEW_ORGANISATION, Perm.VIEW_MEMBERS, Perm.VIEW_PROGRAMMES, Perm.START_CIRCLE}
    ),
    Role.MEMBER: frozenset({Perm.VIEW_ORGANISATION, Perm.START_CIRCLE}),
}


def membership_or_404(user: User, organisation_slug: str) -> Membership:
    """The user's membership of the organisation; 404 for anyone outside it."""
    if not user.is_authenticated:
        raise Http404(_("No such organisation."))
    membership = one_or_none(
        Membership.objects.select_related("organisation", "user"),
        user=user,
        organisation__slug=organisation_slug,
    )
    if membership is None:
        raise Http404(_("No such organisation."))
    return membership


def enter_organisation(request: HttpRequest, organisation_slug: str) -> Membership:
    """Resolve the organisation a view works in, or 404; mark it as the page's organisation."""
    if not request.user.is_authenticated:  # views ask for a log-in first; nobody's organisation
        raise Http404("No such organisation.")
    # All of the person's memberships in one query: the page's navigation lists them too.
    memberships = list(memberships_of(user=request.user))
    membership = next((m for m in memberships if m.organisation.slug == organisation_slug), None)
    if membership is None:
        raise Http404(_("No such organisation."))
    membership.user = request.user
    request.organisation = membership.organisation  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    request.memberships = memberships  # type: ignore[attr-defined]
    return membership


def permissions_of(membership: Membership | None) -> frozenset[Perm]:
    if membership is None:
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset())


def can(membership: Membership | None, perm: Perm) -> bool:
    return perm in permissions_of(membership)


def require(membership: Membership, perm: Perm) -> None:
    """Raise 403 unless the member's role grants ``perm``."""
    if not can(membership, perm):
        raise PermissionDenied(
            _("Your role in %(organisation)s does not allow this.")
            % {"organisation": membership.organisation}
        )


def can_see_programme(membership: Membership, programme: Programme) -> bool:
    """Admins and coaches see every programme; a participant sees the one they are in."""
    if programme.organisation_id != membership.organisation_id:
        return False
    if can(membership, Perm.VIEW_PROGRAMMES):
        return True
    return programme.participants.filter(user_id=membership.user_id).exists()


def _is_in_circle(user_id: int, circle: Circle) -> bool:
    # Lists prefetch the active members (circles.selectors): asking them costs no query per circle.
    active = getattr(circle, "active", None)
    if active is not None:
        return any(member.user_id == user_id for member in active)
    # A circle reached through this module knows whether its viewer holds a seat (see _circle).
    seated = getattr(circle, "seated", {})
    if user_id in seated:
        return seated[user_id]
    return circle.members.filter(user_id=user_id, left_at__isnull=True).exists()


def can_see_circle(membership: Membership, circle: Circle) -> bool:
    """Who may see a circle and its members.

    Confidentiality: participants never see another circle's members unless that circle is
    listed. Programme managers (admins) see the composition of every circle their programmes
    formed, but not of self-organised circles they are not in: what is said in a circle stays
    in the circle.
    """
    if circle.organisation_id != membership.organisation_id:
        return False
    user_id = membership.user_id
    return (
        (circle.programme_id is not None and can(membership, Perm.MANAGE_PROGRAMMES))
        or circle.is_listed
        or circle.host_id == user_id
        or circle.coach_id == user_id
        or _is_in_circle(user_id, circle)
    )


def visible_circles(membership: Membership, circles: QuerySet[Circle]) -> QuerySet[Circle]:
    """``circles`` narrowed to those ``can_see_circle`` allows, in one query whatever their number
    (the same rule as a filter, for lists)."""
    user_id = membership.user_id
    mine = CircleMember.objects.filter(user_id=user_id, left_at__isnull=True).values("circle_id")
    rule = Q(is_listed=True) | Q(host_id=user_id) | Q(coach_id=user_id) | Q(pk__in=mine)
    if can(membership, Perm.MANAGE_PROGRAMMES):
        rule |= Q(programme__isnull=False)
    return circles.filter(rule, organisation_id=membership.organisation_id)


def can_manage_circle(membership: Membership, circle: Circle) -> bool:
    """Change a circle (approve join requests, edit details, remove members)."""
    if circle.organisation_id != membership.organisation_id:
        return False
    if circle.programme_id is not None and can(membership, Perm.MANAGE_PROGRAMMES):
        return True
    return membership.user_id in (circle.host_id, circle.coach_id)


def can_lead_circle(membership: Membership, circle: Circle) -> bool:
    """Run the circle's sessions and share resources with it: its coach or host."""
    if circle.organisation_id != membership.organisation_id:
        return False
    return membership.user_id in (circle.host_id, circle.coach_id)


def can_see_journal_entry(membership: Membership, entry: JournalEntry) -> bool:
    """A journal entry is its owner's alone: not the circle's, the coach's, nor an admin's."""
    return (
        entry.organisation_id == membership.organisation_id and entry.owner_id == membership.user_id
    )


# Insights: figures about people's answers go through ``circlewise.insights.privacy`` -----------


def can_see_programme_insights(membership: Membership, programme: Programme) -> bool:
    """The programme dashboard: its organisation's admins. They see figures of 5 or more people
    (see :mod:`circlewise.insights.privacy`), never one person's answers, journal, commitments or
    comments: no page or endpoint serves those to them."""
    return programme.organisation_id == membership.organisation_id and can(
        membership, Perm.MANAGE_PROGRAMMES
    )


def can_see_circle_insights(membership: Membership, circle: Circle) -> bool:
    """A circle's pulse, attendance and warnings: the people who lead it (coach, host)."""
    return can_lead_circle(membership, circle)


def can_read_pulse_comment(user_id: int, answer: PulseAnswer, circle: Circle) -> bool:
    """A pulse comment is written for the circle's coach. In a circle without a coach nobody
    reads it unless its author shares it with the circle (then its members and host do). Its
    author always may; an admin, as such, never."""
    if answer.user_id == user_id:
        return True
    if circle.coach_id is not None:
        return circle.coach_id == user_id
    return answer.comment_shared and (circle.host_id == user_id or _is_in_circle(user_id, circle))


# Claiming a seat --------------------------------------------------------------------------------
def verified_emails(user: User) -> set[str]:
    """The user's verified addresses, lower-case: the only proof that an invited address is
    theirs."""
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def may_claim(user: User, participant: Participant, *, verified: set[str]) -> bool:
    """A seat (an enrolment, and with it any circle seat) belongs to whoever verified the invited
    address; a seat that ended (left or removed) cannot be claimed back: only a new invitation
    brings the person back."""
    return (
        participant.email.lower() in verified
        and participant.status != ParticipantStatus.LEFT
        and participant.user_id in (None, user.pk)
    )


# Sending ---------------------------------------------------------------------------------------
def mail_allowance(organisation: Organisation) -> int:
    """How many emails the organisation may send per hour (invitations, reminders).

    A young organisation gets a small allowance, so an account made to send spam cannot use the
    product to reach thousands of outside addresses.
    """
    if timezone.now() - organisation.created_at < NEW_ORGANISATION_AGE:
        return settings.MAIL_LIMIT_NEW_ORGANISATION
    return settings.MAIL_LIMIT_PER_HOUR


def can_see_circle_private(membership: Membership, circle: Circle) -> bool:
    """Who may see what is the circle's alone: members' emails, the contract, the rotation,
    commitments, reflections and the resources shared with it.

    Its members (closing a circle keeps their seats, so its history stays readable to them),
    host and coach; never programme admins who are not in it.
    """
    if circle.organisation_id != membership.organisation_id:
        return False
    user_id = membership.user_id
    return user_id in (circle.host_id, circle.coach_id) or _is_in_circle(user_id, circle)


def can_host_circle(membership: Membership, circle: Circle) -> bool:
    """Hand the host role over or close the circle: its host alone."""
    return (
        circle.organisation_id == membership.organisation_id
        and circle.host_id == membership.user_id
    )


def can_see_sessions(membership: Membership, circle: Circle) -> bool:
    """A circle's sessions, video link and calendar: its members, coach, host and the
    admins of its programme (never a self-organised circle's).

    Stricter than :func:`can_see_circle`: a listed circle shows colleagues who is in it, not
    where and when they meet.
    """
    if circle.organisation_id != membership.organisation_id:
        return False
    user_id = membership.user_id
    return (
        (circle.programme_id is not None and can(membership, Perm.MANAGE_PROGRAMMES))
        or user_id in (circle.host_id, circle.coach_id)
        or _is_in_circle(user_id, circle)
    )


def can_schedule_circle(membership: Membership, circle: Circle) -> bool:
    """Set, move and cancel a circle's sessions: its coach, else its host.

    A programme circle without a coach or host is scheduled by the programme's admins.
    """
    if circle.organisation_id != membership.organisation_id:
        return False
    if membership.user_id in (circle.host_id, circle.coach_id):
        return True
    return (
        circle.programme_id is not None
        and circle.coach_id is None
        and circle.host_id is None
        and can(membership, Perm.MANAGE_PROGRAMMES)
    )


# Reaching objects: one helper per kind, the organisation filter always applied --------------


def _of_organisation[M: (Circle, Programme)](
    objects: QuerySet[M], membership: Membership, pk: int
) -> M | None:
    """The object ``pk`` among ``objects`` when it belongs to the membership's organisation,
    with that organisation attached: it was read with the membership, so no join reads it
    again."""
    found = one_or_none(objects, pk=pk, organisation_id=membership.organisation_id)
    if found is not None:
        found.organisation = membership.organisation
    return found


def _circle(membership: Membership, circle_id: int) -> Circle | None:
    """The circle, read with whether the member holds a seat in it: every check below asks
    that, and asking in the same query saves the page one."""
    seat = CircleMember.objects.filter(
        circle=OuterRef("pk"), user_id=membership.user_id, left_at__isnull=True
    )
    circles = Circle.objects.select_related("programme", "host", "coach").annotate(
        viewer_seated=Exists(seat)
    )
    circle = _of_organisation(circles, membership, circle_id)
    if circle is not None:
        circle.seated = {membership.user_id: circle.viewer_seated}  # type: ignore[attr-defined]
    return circle


def programme_for(
    membership: Membership, programme_id: int, *, perm: Perm | None = None
) -> Programme:
    """A programme of the membership's organisation that they may see (else 404), and that
    their role lets them act on with ``perm`` (else 403)."""
    programme = _of_organisation(Programme.objects.all(), membership, programme_id)
    if programme is None or not can_see_programme(membership, programme):
        raise Http404(_("No such programme."))
    if perm is not None:
        require(membership, perm)
    return programme


def run_for(
    membership: Membership,
    programme_id: int,
    run_id: int,
    *,
    perm: Perm = Perm.MANAGE_PROGRAMMES,
) -> FormationRun:
    """A formation run of a programme reached through :func:`programme_for`; 404 otherwise."""
    programme = programme_for(membership, programme_id, perm=perm)
    run = one_or_none(FormationRun.objects.all(), pk=run_id, programme=programme)
    if run is None:
        raise Http404(_("No such formation run."))
    run.programme = programme
    return run


def circle_for(membership: Membership, circle_id: int, *, manage: bool = False) -> Circle:
    """A circle of the membership's organisation that they may see (else 404); with
    ``manage``, one they may also change (else 403)."""
    circle = _circle(membership, circle_id)
    if circle is None or not can_see_circle(membership, circle):
        raise Http404(_("No such circle."))
    if manage and not can_manage_circle(membership, circle):
        raise PermissionDenied(_("Only the circle's host, coach or programme admins can do this."))
    return circle


def circle_sessions_for(
    membership: Membership, circle_id: int, *, schedule: bool = False
) -> Circle:
    """A circle whose sessions the member may see (else 404: see :func:`can_see_sessions`);
    with ``schedule``, one whose sessions they may also change (else 403)."""
    circle = _circle(membership, circle_id)
    if circle is None or not can_see_sessions(membership, circle):
        raise Http404(_("No such circle."))
    if schedule and not can_schedule_circle(membership, circle):
        raise PermissionDenied(_("Only the circle's coach or host can change its sessions."))
    return circle


def circle_inside_for(membership: Membership, circle_id: int, *, lead: bool = False) -> Circle:
    """A circle whose inside the member may see (else 404: see :func:`can_see_circle_private`;
    admins too); with ``lead``, one whose sessions and resources they lead (else 403)."""
    circle = _circle(membership, circle_id)
    if circle is None or not can_see_circle_private(membership, circle):
        raise Http404(_("No such circle."))
    if lead and not can_lead_circle(membership, circle):
        raise PermissionDenied(_("Only the circle's coach or host can do this."))
    return circle


def programme_insights_for(membership: Membership, programme_id: int) -> Programme:
    """A programme whose dashboard the member may open: others' programmes 404, a coach or a
    participant of this one 403 (see :func:`can_see_programme_insights`)."""
    programme = programme_for(membership, programme_id)
    if not can_see_programme_insights(membership, programme):
        raise PermissionDenied(_("Only the programme's admins see its dashboard."))
    return programme


def circle_insights_for(membership: Membership, circle_id: int) -> Circle:
    """A circle whose pulse and warnings the member sees (its coach or host); a circle they may
    see but not lead is 403, any other 404."""
    circle = circle_for(membership, circle_id)
    if not can_see_circle_insights(membership, circle):
        raise PermissionDenied(_("Only the circle's coach or host sees its pulse."))
    return circle


def _survey_request_for[Survey: (PulseRequest, OutcomeRequest)](
    requests: QuerySet[Survey], user: User | AnonymousUser, token: str
) -> Survey:
    found = one_or_none(requests, token=token, user__is_active=True)
    if found is None or (user.is_authenticated and user.pk != found.user_id):
        raise Http404(_("No such survey."))
    return found


def pulse_request_for(user: User | AnonymousUser, token: str) -> PulseRequest:
    """The pulse survey an emailed link opens. The token is the credential for that one survey
    (one click, no log-in); someone logged in as another person gets 404, so a forwarded link
    never mixes two people's answers."""
    requests = PulseRequest.objects.select_related("session__circle__organisation", "user")
    return _survey_request_for(requests, user, token)


def outcome_request_for(user: User | AnonymousUser, token: str) -> OutcomeRequest:
    """The outcome survey an emailed link opens, on the same terms as a pulse link."""
    requests = OutcomeRequest.objects.select_related("programme__organisation", "user")
    return _survey_request_for(requests, user, token)
