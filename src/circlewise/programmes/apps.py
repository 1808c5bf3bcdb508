from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "circlewise.programmes"
    label = "programmes"
