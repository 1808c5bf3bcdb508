from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "circlewise.circles"
    label = "circles"
