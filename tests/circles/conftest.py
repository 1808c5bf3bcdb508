"""Circle pages reuse formation's programme fixtures (programme circles come from formation)."""

from tests.formation.conftest import (  # noqa: F401
    _immediate_tasks,
    add_participants,
    form,
    make_programme,
    programme,
)
