from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from circlewise.core.languages import offered_language


class UserTimezoneMiddleware:
    """Show times in the signed-in person's own time zone, and pages in their saved language.

    The saved language wins over the cookie and the browser's Accept-Language (which
    LocaleMiddleware chose from before), so a new browser shows the language that the settings
    page and the emails use.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()  # nothing carries over from the thread's previous request
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> None:
        # Views polled every few seconds that show no dates (the session clock) opt out, so that
        # they do not load the user row on every poll.
        if getattr(view_func, "needs_no_user", False):
            return
        if request.user.is_authenticated:
            language = offered_language(getattr(request.user, "language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        tz_name = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name)) if tz_name else timezone.deactivate()
        except zoneinfo.ZoneInfoNotFoundError:
            timezone.deactivate()
