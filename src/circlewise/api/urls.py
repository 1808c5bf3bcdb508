from django.urls import path

from circlewise.api.api import api

urlpatterns = [path("", api.urls)]
