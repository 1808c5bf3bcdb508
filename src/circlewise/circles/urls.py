from __future__ import annotations

from django.urls import path

from circlewise.circles import coach_views, views

app_name = "circles"

CIRCLE = "o/<slug:org_slug>/circles/<int:circle_id>/"
PROGRAMME = "o/<slug:org_slug>/programmes/<int:programme_id>/"

urlpatterns = [
    path("o/<slug:org_slug>/circles/", views.mine, name="mine"),
    path("o/<slug:org_slug>/circles/find/", views.find, name="find"),
    path("o/<slug:org_slug>/circles/new/", views.start, name="start"),
    path(CIRCLE, views.detail, name="detail"),
    path(CIRCLE + "edit/", views.edit, name="edit"),
    path(CIRCLE + "join/<str:token>/", views.join, name="join"),
    path(CIRCLE + "invitation-link/reset/", views.reset_link, name="reset_link"),
    path(CIRCLE + "request/", views.request_to_join, name="request"),
    path(CIRCLE + "requests/<int:request_id>/", views.decide_request, name="decide"),
    path(CIRCLE + "members/<int:member_id>/remove/", views.remove_member, name="remove"),
    path(CIRCLE + "leave/", views.leave, name="leave"),
    path(CIRCLE + "host/", views.hand_over, name="hand_over"),
    path(CIRCLE + "close/", views.close, name="close"),
    path(CIRCLE + "rotation/", views.rotation, name="rotation"),
    path(CIRCLE + "coach/", coach_views.assign, name="coach"),
    path(PROGRAMME + "coaches/", coach_views.coaches, name="coaches"),
]
