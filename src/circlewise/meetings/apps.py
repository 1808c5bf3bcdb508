from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "circlewise.meetings"
    label = "meetings"
