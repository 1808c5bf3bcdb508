from __future__ import annotations

from django.urls import path

from circlewise.meetings import views

app_name = "meetings"

CIRCLE = "o/<slug:org_slug>/circles/<int:circle_id>/"
SESSION = CIRCLE + "sessions/<int:session_id>/"

urlpatterns = [
    path(CIRCLE + "schedule/", views.schedule, name="schedule"),
    path(CIRCLE + "schedule/pick/", views.pick_slot, name="pick_slot"),
    path(CIRCLE + "schedule/set/", views.set_by_hand, name="set_by_hand"),
    path(CIRCLE + "schedule/cancel/", views.cancel_series, name="cancel_series"),
    path(CIRCLE + "invitation.ics", views.invitation, name="invitation"),
    path(SESSION + "move/", views.move_session, name="move_session"),
    path(SESSION + "cancel/", views.cancel_session, name="cancel_session"),
    path(SESSION + "absence/", views.absence, name="absence"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("account/calendar-feed/", views.feed_reset, name="feed_reset"),
]
