from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "circlewise.coaching"
    label = "coaching"
