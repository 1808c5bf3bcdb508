from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from circlewise.accounts import services
from circlewise.accounts.forms import AccountDeleteForm, AccountSettingsForm, ApiTokenForm
from circlewise.accounts.models import ApiToken
from circlewise.accounts.personal_data import personal_data
from circlewise.core.errors import ServiceError
from circlewise.core.http import AuthenticatedRequest
from circlewise.meetings.selectors import feed_calendar, feed_url

# The raw key of a token just created waits here for exactly one page view.
NEW_TOKEN_SESSION_KEY = "accounts:new_token"  # noqa: S105 (a session key name)


@login_required
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:settings")
        if "language" in form.cleaned_data:
            # LocaleMiddleware reads the cookie, so the chosen language applies from the next page.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_count": ApiToken.objects.active().filter(user=request.user).count(),
            "calendar_feed_url": feed_url(user=request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    """Personal access tokens: create one (its key is shown once), see and revoke them."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], lifetime=form.lifetime()
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "key": raw}
            return redirect("accounts:tokens")
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.active().filter(user=request.user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    # Someone else's token id is reported as missing, like any object the user may not see.
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404(_("No such token."))
    try:
        services.api_token_revoke(token=token, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The token “%(token)s” no longer works.") % {"token": token.name}
        )
    return redirect("accounts:tokens")


@login_required
@require_GET
def your_data(request: AuthenticatedRequest) -> HttpResponse:
    """Download everything held about you; delete your account."""
    return render(request, "accounts/your_data.html")


def _download_name(extension: str) -> str:
    return f"circlewise-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def your_data_json(request: AuthenticatedRequest) -> HttpResponse:
    """Everything Circlewise holds about the person, as one JSON file (built in the request: one
    person's data is bounded, see the README's "Your data" measurements)."""
    body = json.dumps(personal_data(user=request.user), cls=DjangoJSONEncoder, indent=2,
                      ensure_ascii=False)  # fmt: skip
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name("json")}"'
    return response


@login_required
@require_GET
def your_data_ics(request: AuthenticatedRequest) -> HttpResponse:
    """The person's sessions: the calendar of every circle they are in, host or coach."""
    response = HttpResponse(feed_calendar(user=request.user), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{_download_name("ics")}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedRequest) -> HttpResponse:
    """Asks first (password, or typed words), says what goes and what stays; a POST deletes."""
    blockers = services.account_delete_blockers(user=request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Goodbye, and thank you."))
            return redirect("home")
    status = 200
    if request.method == "POST":
        status = 409 if blockers else 400  # a role to hand over first, or the check failed
    return render(
        request, "accounts/delete.html", {"form": form, "blockers": blockers}, status=status
    )


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Stands in for Django admin's own login form, which would skip allauth's two-factor step,
    rate limits and lockout: people log in through allauth, then come back.

    A logged-in member who is not staff is refused rather than offered a second login form, so a
    staff password alone never opens a session.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    raise PermissionDenied(_("Your account has no access to the site administration."))
