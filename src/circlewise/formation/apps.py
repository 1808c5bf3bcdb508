from __future__ import annotations

from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "circlewise.formation"
    label = "formation"

    def ready(self) -> None:
        from circlewise.circles.signals import members_changed

        members_changed.connect(_refresh_merge_targets, dispatch_uid="formation-merge-targets")


def _refresh_merge_targets(sender: object, *, circle, **kwargs: object) -> None:
    """A programme circle lost someone: the worker recomputes the programme's merge targets."""
    from circlewise.formation.tasks import merge_targets_task

    if circle.programme_id is not None:
        merge_targets_task.enqueue(circle.programme_id)
