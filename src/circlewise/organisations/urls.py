from django.urls import path

from circlewise.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<slug:org_slug>/", views.dashboard, name="dashboard"),
]
