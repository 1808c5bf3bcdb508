from __future__ import annotations

from django.urls import path

from circlewise.insights import views

app_name = "insights"

PROGRAMME = "o/<slug:org_slug>/programmes/<int:programme_id>/"

urlpatterns = [
    path("pulse/<str:token>/", views.pulse, name="pulse"),
    path("outcomes/<str:token>/", views.outcome, name="outcome"),
    path("o/<slug:org_slug>/pulse/", views.my_pulses, name="my_pulses"),
    path(PROGRAMME + "insights/", views.dashboard, name="dashboard"),
    path(PROGRAMME + "insights.csv", views.dashboard_csv, name="dashboard_csv"),
    path("o/<slug:org_slug>/circles/<int:circle_id>/pulse/", views.circle_pulse, name="circle"),
]
