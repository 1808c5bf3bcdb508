from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "circlewise.resources"
    label = "resources"
