"""The JSON API (django-ninja): programmes, HR sync of participants, matching, circles.

Mounted at ``/api/``; schema at ``/api/openapi.json`` (built once per process), docs at
``/api/docs``. Every request authenticates with a personal access token and every endpoint asks
``circlewise.policy``, as the web pages do: another organisation's data is 404, a role that may not
act is 403. Domain errors come back as ``{"detail": "…"}`` with 409, a body that is not JSON as 400,
invalid input as 422 with ``errors`` by field. Lists come in pages (``limit``, ``offset``; at most
``MAX_PAGE_SIZE`` items).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination, paginate

from circlewise import policy
from circlewise.api.auth import TokenAuth
from circlewise.api.schemas import (
    CircleOut,
    ContractOut,
    FieldErrors,
    FormationRunOut,
    Message,
    ParticipantOut,
    ProgrammeIn,
    ProgrammeOut,
    RotationOut,
    UpsertIn,
    UpsertOut,
    UpsertRejectedOut,
)
from circlewise.circles.models import Circle
from circlewise.circles.selectors import circle_rotation as plan
from circlewise.circles.selectors import circles_for_programme, member_name
from circlewise.contracts.selectors import contract_status
from circlewise.core.errors import ServiceError
from circlewise.core.http import ApiRequest
from circlewise.core.rows import one_or_none
from circlewise.formation.selectors import latest_run
from circlewise.formation.services import formation_start
from circlewise.organisations.models import Membership
from circlewise.policy import Perm
from circlewise.programmes import services as programme_services
from circlewise.programmes.errors import ProgrammeError, UpsertRejected
from circlewise.programmes.models import Programme

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class CirclewiseAPI(NinjaAPI):
    """The API whose OpenAPI document is built on first use and kept: routes never change."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache: dict[tuple, OpenAPISchema] = self.__dict__.setdefault("_openapi_cache", {})
        if key not in cache:
            cache[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return cache[key]


class Page(LimitOffsetPagination):
    """``limit`` (1 to ``MAX_PAGE_SIZE``) items from ``offset``; ``count`` is the total."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0)


api = CirclewiseAPI(
    title="Circlewise API",
    version="1",
    description=(
        "Programmes, participants (HR sync), circle formation and circles. Authenticate with a "
        "personal access token from your account page: `Authorization: Bearer cw_…`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)

ERRORS = {401: Message, 403: Message, 404: Message, 422: FieldErrors}
WITH_BODY = {400: Message, **ERRORS}


# Errors ------------------------------------------------------------------------------------------
def _detail(request: HttpRequest, message: str, status: int, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Schema errors in the documented ``FieldErrors`` shape: ``{"participants.2.name": […]}``."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # loc is (source, [body parameter,] field, …): the field path is what the client sent.
        loc = list(error["loc"])[2 if error["loc"][0] == "body" else 1 :]
        field = ".".join(str(part) for part in loc) or "body"
        errors.setdefault(field, []).append(str(error["msg"]).removeprefix("Value error, "))
    summary = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
    return _detail(
        request,
        _("The request is not valid — %(summary)s") % {"summary": summary},
        422,
        errors=errors,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) or _("Not found."), 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or _("You may not do this."), 403)


@api.exception_handler(ServiceError)
def _refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _detail(request, str(exc), 409)


@api.exception_handler(ProgrammeError)
def _invalid(request: HttpRequest, exc: ProgrammeError) -> HttpResponse:
    if exc.field_errors:
        return _detail(request, str(exc), 422, errors=exc.field_errors)
    return _detail(request, str(exc), 409)


@api.exception_handler(UpsertRejected)
def _rejected(request: HttpRequest, exc: UpsertRejected) -> HttpResponse:
    return _detail(request, str(exc), 422, errors=exc.items)


# Access ------------------------------------------------------------------------------------------
def _membership(request: ApiRequest, org_slug: str, perm: Perm | None = None) -> Membership:
    membership = policy.membership_or_404(request.auth, org_slug)
    if perm is not None:
        policy.require(membership, perm)
    return membership


def _programme(
    request: ApiRequest, org_slug: str, programme_id: int, perm: Perm | None = None
) -> tuple[Membership, Programme]:
    """A programme the token's user may see (else 404), and that their role allows (else 403)."""
    membership = _membership(request, org_slug)
    return membership, policy.programme_for(membership, programme_id, perm=perm)


# Programmes --------------------------------------------------------------------------------------
@api.get(
    "/organisations/{org_slug}/programmes",
    response={200: list[ProgrammeOut], **ERRORS},
    tags=["programmes"],
)
def list_programmes(request: ApiRequest, org_slug: str):
    membership = _membership(request, org_slug, Perm.VIEW_PROGRAMMES)
    return Programme.objects.filter(organisation=membership.organisation)


@api.post(
    "/organisations/{org_slug}/programmes",
    response={201: ProgrammeOut, 409: Message, **WITH_BODY},
    tags=["programmes"],
)
def create_programme(request: ApiRequest, org_slug: str, payload: ProgrammeIn):
    membership = _membership(request, org_slug, Perm.MANAGE_PROGRAMMES)
    programme = programme_services.programme_create(
        organisation=membership.organisation, data=payload.model_dump(), by=request.auth
    )
    return Status(201, programme)


@api.get(
    "/organisations/{org_slug}/programmes/{programme_id}",
    response={200: ProgrammeOut, **ERRORS},
    tags=["programmes"],
)
def read_programme(request: ApiRequest, org_slug: str, programme_id: int):
    return _programme(request, org_slug, programme_id)[1]


# Participants ------------------------------------------------------------------------------------
@api.get(
    "/organisations/{org_slug}/programmes/{programme_id}/participants",
    response={200: list[ParticipantOut], **ERRORS},
    tags=["participants"],
)
@paginate(Page)
def list_participants(request: ApiRequest, org_slug: str, programme_id: int):
    _organisation, programme = _programme(request, org_slug, programme_id, Perm.VIEW_PROGRAMMES)
    # Only the columns the answer holds: the attributes, languages and availability (JSON) would
    # be read and parsed for every row.
    return programme.participants.only(*ParticipantOut.model_fields)


@api.post(
    "/organisations/{org_slug}/programmes/{programme_id}/participants/upsert",
    response={200: UpsertOut, 409: Message, **WITH_BODY, 422: FieldErrors | UpsertRejectedOut},
    tags=["participants"],
    summary="Create or update participants by email (HR sync)",
)
def upsert_participants(request: ApiRequest, org_slug: str, programme_id: int, payload: UpsertIn):
    """Idempotent by email: sending the same list twice changes nothing the second time.

    All or nothing: when any item is invalid, nothing is saved. A 422 answer either names the
    fields that break the schema (``FieldErrors``) or lists each item that is invalid for this
    programme with its index, email and problems (``UpsertRejectedOut``). Inviting more people
    than the organisation may email this hour is refused with 409, and nothing is saved.
    """
    _organisation, programme = _programme(request, org_slug, programme_id, Perm.MANAGE_PROGRAMMES)
    return programme_services.participants_upsert(
        programme=programme,
        items=[item.model_dump(exclude_unset=True) for item in payload.participants],
        invite=payload.invite,
        by=request.auth,
    )


# Matching ----------------------------------------------------------------------------------------
@api.post(
    "/organisations/{org_slug}/programmes/{programme_id}/formation",
    response={202: FormationRunOut, 409: Message, **ERRORS},
    tags=["matching"],
    summary="Start forming circles (a background run)",
)
def start_formation(request: ApiRequest, org_slug: str, programme_id: int):
    """Queue the matching engine for the programme's ready participants.

    Starting while a run is queued or running returns that run. Poll the run for its progress.
    """
    _organisation, programme = _programme(request, org_slug, programme_id, Perm.MANAGE_PROGRAMMES)
    return Status(202, formation_start(programme=programme, by=request.auth))


@api.get(
    "/organisations/{org_slug}/programmes/{programme_id}/formation/{run_id}",
    response={200: FormationRunOut, **ERRORS},
    tags=["matching"],
    summary="A formation run's status and progress",
)
def read_formation(request: ApiRequest, org_slug: str, programme_id: int, run_id: int):
    membership = _membership(request, org_slug)
    return policy.run_for(membership, programme_id, run_id, perm=Perm.VIEW_PROGRAMMES)


@api.get(
    "/organisations/{org_slug}/programmes/{programme_id}/formation",
    response={200: FormationRunOut, **ERRORS},
    tags=["matching"],
    summary="The latest formation run's status and progress",
)
def latest_formation(request: ApiRequest, org_slug: str, programme_id: int):

    _organisation, programme = _programme(request, org_slug, programme_id, Perm.VIEW_PROGRAMMES)
    run = latest_run(programme=programme)
    if run is None:
        raise Http404(_("Circles have not been formed for this programme yet."))
    return run


# Circles -----------------------------------------------------------------------------------------
@api.get(
    "/organisations/{org_slug}/programmes/{programme_id}/circles",
    response={200: list[CircleOut], **ERRORS},
    tags=["circles"],
    summary="The programme's circles that you may see",
)
@paginate(Page)
def list_circles(request: ApiRequest, org_slug: str, programme_id: int):
    """Admins see every circle; anyone else only the circles the policy shows them (their own,
    the ones they coach, listed ones)."""
    membership, programme = _programme(request, org_slug, programme_id)
    # A query, not a list: the page is sliced from it, so only one page of circles is built.
    # ``CircleOut`` reads the membership to decide whose emails it shows.
    request.membership = membership  # type: ignore[attr-defined]
    return policy.visible_circles(membership, circles_for_programme(programme=programme))


def _private_circle(request: ApiRequest, org_slug: str, circle_id: int):
    """A circle whose private side (contract, rotation) the token's user may see, else 404."""
    membership = _membership(request, org_slug)
    circle = one_or_none(
        Circle.objects.select_related("programme", "coach"),
        pk=circle_id,
        organisation=membership.organisation,
    )
    if circle is None or not policy.can_see_circle_private(membership, circle):
        raise Http404(_("No such circle."))
    return circle


@api.get(
    "/organisations/{org_slug}/circles/{circle_id}/contract",
    response={200: ContractOut, **ERRORS},
    tags=["circles"],
    summary="The circle's contract and who has accepted it (members and coach only)",
)
def circle_contract(request: ApiRequest, org_slug: str, circle_id: int):

    status = contract_status(circle=_private_circle(request, org_slug, circle_id))
    return {
        "version": status.number,
        "agreements": list(status.terms.agreements),
        "goal": status.terms.goal,
        "duration": status.terms.duration,
        "accepted_by_all": status.accepted_by_all,
        "accepted": [
            {"name": member_name(member=m), "accepted_at": at} for m, at in status.accepted
        ],
        "missing": [member_name(member=m) for m in status.missing],
    }


@api.get(
    "/organisations/{org_slug}/circles/{circle_id}/rotation",
    response={200: RotationOut, **ERRORS},
    tags=["circles"],
    summary="Who is coachee at the coming sessions (members and coach only)",
)
def circle_rotation(request: ApiRequest, org_slug: str, circle_id: int):

    rotation = plan(circle=_private_circle(request, org_slug, circle_id))
    return {
        "coachees_per_session": rotation.per_session,
        "upcoming": [{"day": turn.day, "coachees": turn.coachees} for turn in rotation.upcoming],
    }


# Sessions (the meetings app's endpoints, on this API's authentication and error answers) ---------
from circlewise.meetings.api import router as meetings_router  # noqa: E402

api.add_router("", meetings_router)

# The private journal (the journal app's endpoints): each token reads its own user's entries only.
from circlewise.journal.api import router as journal_router  # noqa: E402

api.add_router("", journal_router)

# Insights (the programme's aggregates, under the privacy rules of circlewise.insights.privacy).
from circlewise.insights.api import router as insights_router  # noqa: E402

api.add_router("", insights_router)
