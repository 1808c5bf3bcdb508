from __future__ import annotations

from django.urls import path

from circlewise.journal import views

app_name = "journal"

JOURNAL = "o/<slug:org_slug>/journal/"

urlpatterns = [
    path(JOURNAL, views.journal, name="journal"),
    path(JOURNAL + "<int:entry_id>/", views.edit, name="edit"),
    path(JOURNAL + "<int:entry_id>/delete/", views.delete, name="delete"),
]
