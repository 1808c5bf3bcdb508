"""Attempts to re-identify one person's outcome answers from the dashboard, its CSV and the API:
each must fail, under the same rules as the pulse (circlewise.insights.privacy)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from circlewise.insights.privacy import NOT_ENOUGH
from tests.conftest import client_for
from tests.insights.conftest import add_circle, answer_outcome, dept


def _people(programme, people, name, *, answered=None, score=4, recommend="yes", wave="end"):
    _, _, users = add_circle(programme, people=people, name=name, answered=0)
    for user in users[: len(users) if answered is None else answered]:
        answer_outcome(programme, user, wave=wave, score=score, recommend=recommend,
                       changed=f"secret of {user.name}")  # fmt: skip
    return users


def _page(admin, programme, by=""):
    """The dashboard's outcome section (and the key figures above it)."""
    url = reverse("insights:dashboard", args=["acme", programme.pk])
    page = client_for(admin).get(url, {"outcomes_by": by}).content.decode()
    kpis = page[page.index('class="kpis"') :]
    outcomes = page[page.index('data-testid="outcomes"') :]
    return kpis[: kpis.index("</section>")] + outcomes[: outcomes.index("</section>")]


def _csv(admin, programme) -> list[dict]:
    url = reverse("insights:dashboard_csv", args=["acme", programme.pk])
    return list(csv.DictReader(io.StringIO(client_for(admin).get(url).content.decode())))


def _api(admin, programme, api_client) -> list[dict]:
    url = f"/api/organisations/acme/programmes/{programme.pk}/insights"
    response = api_client(admin).get(url)
    assert response.status_code == 200
    return response.json()["outcomes"]


def _csv_value(rows, section, group, measure, wave="end"):
    return next(r["value"] for r in rows if (r["section"], r["group"], r["measure"], r["wave"])
                == (section, group, measure, wave))  # fmt: skip


def _api_row(rows, dimension, group, survey="end"):
    key = (dimension, group, survey)
    return next(r for r in rows if (r["dimension"], r["group"], r["survey"]) == key)


def test_it_withholds_a_circle_of_five_where_four_answered(admin, programme, api_client):
    _people(programme, [dept("Sales")] * 5, "Oak", answered=4, score=2, recommend="no")
    page = _page(admin, programme, by="circle")
    assert NOT_ENOUGH in page and "2.0" not in page and "0%<" not in page
    rows = _csv(admin, programme)
    assert _csv_value(rows, "outcomes by circle", "Oak", "goal_progress") == NOT_ENOUGH
    assert _csv_value(rows, "outcomes", "Whole programme", "recommend") == NOT_ENOUGH
    assert all(r["respondents"] == "" for r in rows if r["section"].startswith("outcomes"))
    api = _api(admin, programme, api_client)
    assert all(r["withheld"] and r["goal_progress"] is None and r["would_recommend"] is None
               and r["respondents"] is None for r in api)  # fmt: skip


def test_it_withholds_a_department_that_narrows_the_group_below_five(admin, programme, api_client):
    _people(programme, [dept("Sales")] * 6, "Oak", score=4)
    _people(programme, [dept("Legal")] * 3 + [dept("Sales")] * 3, "Elm", score=2)
    page = _page(admin, programme, by="department")
    assert "Legal" in page and NOT_ENOUGH in page
    rows = _csv(admin, programme)
    assert _csv_value(rows, "outcomes by department", "Legal", "goal_progress") == NOT_ENOUGH
    assert _api_row(_api(admin, programme, api_client), "department", "Legal")["withheld"]
    # The whole programme (12) is shown, Sales (9) is not: 12 minus 9 would be Legal's three.
    assert _csv_value(rows, "outcomes", "Whole programme", "goal_progress") == "3.0"
    assert _csv_value(rows, "outcomes by department", "Sales", "goal_progress") == NOT_ENOUGH


def test_it_withholds_one_of_two_overlapping_filters_whose_difference_is_one_person(
    admin, programme, api_client
):
    # Sales: six people, five of them Senior; every Senior is in Sales. Sales minus Senior
    # would be the one Junior's answer.
    _people(programme, [dept("Sales", "Senior")] * 5 + [dept("Sales", "Junior")], "Oak", score=5)
    _people(programme, [dept("Ops", "Lead")] * 6, "Elm", score=1)
    api = _api(admin, programme, api_client)
    shown = [not _api_row(api, "department", "Sales")["withheld"],
             not _api_row(api, "level", "Senior")["withheld"]]  # fmt: skip
    assert not all(shown)
    rows = _csv(admin, programme)
    sales = _csv_value(rows, "outcomes by department", "Sales", "goal_progress")
    senior = _csv_value(rows, "outcomes by level", "Senior", "goal_progress")
    assert NOT_ENOUGH in (sales, senior)


def test_it_shows_figures_and_the_recommendation_rate_of_large_groups(admin, programme, api_client):
    _people(programme, [dept("Sales")] * 6, "Oak", score=5, recommend="yes")
    users = _people(programme, [dept("Ops")] * 6, "Elm", score=3, recommend="yes")
    answer_outcome(programme, users[0], wave="end", score=3, recommend="no")
    page = _page(admin, programme, by="circle")
    assert "92%" in page  # 11 of 12 would recommend
    rows = _csv(admin, programme)
    assert _csv_value(rows, "outcomes", "Whole programme", "goal_progress") == "4.0"
    assert _csv_value(rows, "outcomes by circle", "Elm", "recommend") == "0.83"
    assert _csv_value(rows, "outcome answers", "End", "answers") == "12"
    whole = _api_row(_api(admin, programme, api_client), "all", "Whole programme")
    assert (whole["respondents"], whole["goal_progress"]) == (12, 4.0)


def test_it_never_shows_admins_what_changed_or_who_answered(admin, programme, api_client):
    users = _people(programme, [dept("Sales")] * 6, "Oak")
    text = _page(admin, programme, by="circle") + str(_csv(admin, programme))
    text += str(_api(admin, programme, api_client))
    for user in users:
        assert f"secret of {user.name}" not in text
        assert user.email not in text and user.name not in text
