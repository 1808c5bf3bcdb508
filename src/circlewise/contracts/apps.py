from __future__ import annotations

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "circlewise.contracts"
    verbose_name = "Circle contracts"
