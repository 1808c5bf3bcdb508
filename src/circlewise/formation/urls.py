from __future__ import annotations

from django.urls import path

from circlewise.formation import views

app_name = "formation"

PROGRAMME = "o/<slug:org_slug>/programmes/<int:programme_id>/"
RUN = PROGRAMME + "formation/<int:run_id>/"

urlpatterns = [
    path(PROGRAMME + "formation/", views.formation, name="formation"),
    path(RUN + "status/", views.run_status, name="run_status"),
    path(RUN + "people/", views.people, name="people"),
    path(RUN + "move/", views.move, name="move"),
    path(RUN + "swap/", views.swap, name="swap"),
    path(RUN + "publish/", views.publish, name="publish"),
    path(PROGRAMME + "circles/", views.programme_circles, name="programme_circles"),
    path(PROGRAMME + "circles/place/", views.place_joiners, name="place_joiners"),
    path(PROGRAMME + "circles/place-one/", views.place_joiner, name="place_joiner"),
    path(PROGRAMME + "circles/queue/form/", views.queue_form, name="queue_form"),
    path(PROGRAMME + "circles/<int:circle_id>/merge/", views.merge, name="merge"),
]
