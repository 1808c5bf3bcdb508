from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from circlewise.accounts.views import admin_login
from circlewise.core import views as core_views

# The admin is kept (staff use it to look into data), but its login goes through allauth so it
# gets the same two-factor step, rate limits and lockout as the product.
admin.site.login = admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("circlewise.accounts.urls")),
    path("o/", include("circlewise.organisations.urls")),
    path("", include("circlewise.programmes.urls")),
    path("", include("circlewise.circles.urls")),
    path("", include("circlewise.formation.urls")),
    path("", include("circlewise.contracts.urls")),
    path("", include("circlewise.meetings.urls")),
    path("", include("circlewise.journal.urls")),
    path("", include("circlewise.resources.urls")),
    path("", include("circlewise.coaching.urls")),
    path("api/", include("circlewise.api.urls")),
    path("admin/", admin.site.urls),
]
