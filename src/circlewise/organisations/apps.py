from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "circlewise.organisations"
    label = "organisations"
