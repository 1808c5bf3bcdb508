"""A database made by the code before formation had its own app migrates without losing a row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("circles", "0001_initial"),
    ("programmes", "0002_enrolmentupload"),
    ("organisations", "0001_initial"),
    ("accounts", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_run_circle_and_member_when_formation_moves_out_of_circles():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old = _migrate([*BEFORE, ("formation", None)])
    assert "formationrun" in {
        m._meta.model_name for m in old.get_app_config("circles").get_models()
    }
    organisation = old.get_model("organisations", "Organisation").objects.create(
        name="Acme", slug="acme"
    )
    programme = old.get_model("programmes", "Programme").objects.create(
        organisation=organisation, name="New managers", start_date="2027-01-04"
    )
    participant = old.get_model("programmes", "Participant").objects.create(
        programme=programme, email="p@acme.test", name="P"
    )
    run = old.get_model("circles", "FormationRun").objects.create(
        programme=programme, status="proposed", proposal=[[participant.pk]], pins={"1": "a"}
    )
    circle = old.get_model("circles", "Circle").objects.create(
        organisation=organisation, programme=programme, name="Oak", invite_token="t1"
    )
    member = old.get_model("circles", "CircleMember").objects.create(
        circle=circle, participant=participant, email=participant.email
    )

    new = _migrate(latest)

    moved = new.get_model("formation", "FormationRun").objects.get(pk=run.pk)
    assert (moved.programme_id, moved.status, moved.proposal, moved.pins) == (
        programme.pk,
        "proposed",
        [[participant.pk]],
        {"1": "a"},
    )
    assert new.get_model("circles", "Circle").objects.get(pk=circle.pk).name == "Oak"
    member = new.get_model("circles", "CircleMember").objects.get(pk=member.pk)
    assert (member.circle_id, member.participant_id, member.welcomed_at) == (
        circle.pk,
        participant.pk,
        None,
    )
    # New runs get ids after the moved ones (the sequence came along with the table).
    fresh = new.get_model("formation", "FormationRun").objects.create(programme_id=programme.pk)
    assert fresh.pk > run.pk
