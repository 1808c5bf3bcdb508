from django.urls import path

from circlewise.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
]
