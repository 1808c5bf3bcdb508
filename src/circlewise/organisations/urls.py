from django.urls import path

from circlewise.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("invitations/<str:token>/", views.invitation_respond, name="invitation"),
    path("<slug:org_slug>/", views.dashboard, name="dashboard"),
    path("<slug:org_slug>/activity/", views.activity, name="activity"),
    path("<slug:org_slug>/members/", views.member_list, name="members"),
    path(
        "<slug:org_slug>/members/<int:membership_id>/role/", views.member_role, name="member_role"
    ),
    path(
        "<slug:org_slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<slug:org_slug>/invitations/", views.invitation_list, name="invitations"),
    path(
        "<slug:org_slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
