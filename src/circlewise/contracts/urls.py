from __future__ import annotations

from django.urls import path

from circlewise.contracts import views

app_name = "contracts"

CIRCLE = "o/<slug:org_slug>/circles/<int:circle_id>/contract/"

urlpatterns = [
    path(CIRCLE, views.show, name="show"),
    path(CIRCLE + "accept/", views.accept, name="accept"),
    path(CIRCLE + "edit/", views.edit, name="edit"),
    path(
        "o/<slug:org_slug>/programmes/<int:programme_id>/contract/",
        views.template,
        name="template",
    ),
]
