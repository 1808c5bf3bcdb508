from __future__ import annotations

from django.urls import path

from circlewise.coaching import views

app_name = "coaching"

CIRCLE = "o/<slug:org_slug>/circles/<int:circle_id>/"
RUN = CIRCLE + "sessions/<int:session_id>/run/"

urlpatterns = [
    path(RUN, views.runner, name="runner"),
    path(RUN + "clock/", views.clock, name="clock"),
    path(RUN + "control/", views.control, name="control"),
    path(RUN + "attendance/", views.attendance, name="attendance"),
    path(CIRCLE + "sessions/<int:session_id>/commit/", views.commit, name="commit"),
    path(CIRCLE + "commitments/", views.commitments, name="commitments"),
    path(CIRCLE + "commitments/<int:commitment_id>/review/", views.review, name="review"),
    path("o/<slug:org_slug>/questions/", views.questions, name="questions"),
    path("o/<slug:org_slug>/goals/", views.goals, name="goals"),
]
