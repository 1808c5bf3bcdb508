from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from circlewise.accounts import services
from circlewise.accounts.forms import AccountSettingsForm, ApiTokenForm
from circlewise.accounts.models import ApiToken
from circlewise.core.errors import ServiceError
from circlewise.meetings.selectors import feed_url

# The raw key of a token just created waits here for exactly one page view.
NEW_TOKEN_SESSION_KEY = "accounts:new_token"  # noqa: S105 (a session key name)


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, "Your settings are saved.")
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
def token_list(request: HttpRequest) -> HttpResponse:
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
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Someone else's token id is reported as missing, like any object the user may not see.
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404("No such token.")
    try:
        services.api_token_revoke(token=token, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("accounts:tokens")


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
    raise PermissionDenied("Your account has no access to the site administration.")
