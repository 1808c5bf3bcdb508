from django.urls import path

from circlewise.programmes import views

app_name = "programmes"
_P = "o/<slug:org_slug>/programmes/"
urlpatterns = [
    path(_P, views.programme_list, name="list"),
    path(f"{_P}new/", views.programme_create, name="create"),
    path(f"{_P}join/<str:token>/", views.join, name="join"),
    path(f"{_P}<int:pk>/", views.programme_detail, name="detail"),
    path(f"{_P}<int:pk>/edit/", views.programme_edit, name="edit"),
    path(f"{_P}<int:pk>/enrol/", views.enrol, name="enrol"),
    path(f"{_P}<int:pk>/enrol/add/", views.participant_add, name="add"),
    path(f"{_P}<int:pk>/enrol/uploads/<int:upload_id>/", views.upload, name="upload"),
    path(f"{_P}<int:pk>/enrol/sign-up-link/", views.signup_toggle, name="signup_toggle"),
    path(f"{_P}<int:pk>/welcome/", views.accept, name="accept"),
    path(f"{_P}<int:pk>/intake/", views.intake, name="intake"),
    path(f"{_P}<int:pk>/participants/", views.participants, name="participants"),
    path(f"{_P}<int:pk>/participants/remind/", views.remind, name="remind"),
]
