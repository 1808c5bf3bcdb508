from __future__ import annotations

from django.urls import path

from circlewise.resources import views

app_name = "resources"

CIRCLE = "o/<slug:org_slug>/circles/<int:circle_id>/resources/"

urlpatterns = [
    path(
        "o/<slug:org_slug>/programmes/<int:programme_id>/resources/",
        views.programme_library,
        name="programme_library",
    ),
    path("o/<slug:org_slug>/resources/<int:resource_id>/remove/", views.remove, name="remove"),
    path(CIRCLE, views.circle_resources, name="circle"),
    path(CIRCLE + "share/", views.share, name="share"),
    path(CIRCLE + "<int:share_id>/progress/", views.progress, name="progress"),
]
