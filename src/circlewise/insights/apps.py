from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "circlewise.insights"
    label = "insights"
