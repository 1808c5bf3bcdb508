from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "circlewise.journal"
    label = "journal"
