from django.urls import path

from circlewise.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("your-data/", views.your_data, name="your_data"),
    path("your-data/circlewise-data.json", views.your_data_json, name="your_data_json"),
    path("your-data/circlewise-sessions.ics", views.your_data_ics, name="your_data_ics"),
    path("your-data/delete/", views.account_delete, name="delete"),
]
