from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "circlewise.api"
    label = "api"
