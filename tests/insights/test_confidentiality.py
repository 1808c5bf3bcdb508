"""Attempts to re-identify one person's answer from the dashboard, its CSV and the API: each
must fail (see circlewise.insights.privacy for the rules)."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from circlewise.insights import selectors
from circlewise.insights.privacy import NOT_ENOUGH
from tests.conftest import client_for
from tests.insights.conftest import add_circle, answer_outcome, dept


def _dashboard(admin, programme, by="month"):
    url = reverse("insights:dashboard", args=["acme", programme.pk])
    return client_for(admin).get(url, {"by": by}).content.decode()


def _csv(admin, programme) -> list[dict]:
    url = reverse("insights:dashboard_csv", args=["acme", programme.pk])
    response = client_for(admin).get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _api(admin, programme, api_client) -> dict:
    url = f"/api/organisations/acme/programmes/{programme.pk}/insights"
    response = api_client(admin).get(url)
    assert response.status_code == 200
    return response.json()


def _pulse_csv(rows, section, group):
    return next(r for r in rows if r["section"] == section and r["group"] == group)


def _pulse_api(data, dimension, group):
    return next(p for p in data["pulse"] if p["dimension"] == dimension and p["group"] == group)


def test_it_withholds_a_circle_of_five_where_four_answered(admin, programme, api_client):
    # Distinct answers, so a leaked mean (3.25 or 2.5) would be recognisable.
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak", answered=4,
               scores=(2, 3, 3, 3))  # fmt: skip
    page = _dashboard(admin, programme, by="circle")
    assert NOT_ENOUGH in page and "2.0" not in page and "3.0" not in page
    rows = _csv(admin, programme)
    oak = _pulse_csv(rows, "pulse by circle", "Oak")
    assert (oak["usefulness"], oak["safety"], oak["respondents"]) == (NOT_ENOUGH, NOT_ENOUGH, "")
    assert _pulse_csv(rows, "pulse", "Whole programme")["usefulness"] == NOT_ENOUGH
    data = _api(admin, programme, api_client)
    assert all(p["withheld"] and p["usefulness"] is None for p in data["pulse"])


def test_it_withholds_a_large_circle_when_the_programme_minus_it_is_a_small_one(
    admin, programme, api_client
):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak", answered=4, scores=(1, 1, 1, 1))
    add_circle(programme, people=[dept("Sales")] * 10, name="Elm", scores=(5, 5, 5, 5))
    data = _api(admin, programme, api_client)
    whole = _pulse_api(data, "all", "Whole programme")
    assert not whole["withheld"]
    # Whole programme minus Elm would give Oak's four answers.
    assert _pulse_api(data, "circle", "Elm")["withheld"]
    assert _pulse_api(data, "circle", "Oak")["withheld"]


def test_it_withholds_a_filter_that_narrows_the_group_below_five(admin, programme, api_client):
    people = [dept("Sales")] * 9 + [dept("Legal")] * 3
    add_circle(programme, people=people[:6], name="Oak")
    add_circle(programme, people=people[6:], name="Elm")
    page = _dashboard(admin, programme, by="department")
    assert "Legal" in page and NOT_ENOUGH in page
    legal = _pulse_csv(_csv(admin, programme), "pulse by department", "Legal")
    assert legal["usefulness"] == NOT_ENOUGH
    assert _pulse_api(_api(admin, programme, api_client), "department", "Legal")["withheld"]


def test_it_withholds_one_of_two_filters_whose_difference_is_one_person(
    admin, programme, api_client
):
    # Sales: six people, five of them Senior; every Senior is in Sales. Sales minus Senior
    # would be the one Junior's answer.
    sales = [dept("Sales", "Senior")] * 5 + [dept("Sales", "Junior")]
    others = [dept("Ops", "Lead")] * 6
    add_circle(programme, people=sales, name="Oak", scores=(4, 4, 4, 4))
    add_circle(programme, people=others, name="Elm", scores=(2, 2, 2, 2))
    data = _api(admin, programme, api_client)
    shown_sales = not _pulse_api(data, "department", "Sales")["withheld"]
    shown_senior = not _pulse_api(data, "level", "Senior")["withheld"]
    assert not (shown_sales and shown_senior)
    rows = _csv(admin, programme)
    csv_sales = _pulse_csv(rows, "pulse by department", "Sales")["usefulness"] != NOT_ENOUGH
    csv_senior = _pulse_csv(rows, "pulse by level", "Senior")["usefulness"] != NOT_ENOUGH
    assert not (csv_sales and csv_senior)


def test_it_shows_figures_of_groups_large_enough(admin, programme):
    add_circle(programme, people=[dept("Sales")] * 6, name="Oak", scores=(4, 5, 5, 5))
    add_circle(programme, people=[dept("Ops")] * 6, name="Elm", scores=(2, 3, 3, 3))
    rows = _csv(admin, programme)
    assert _pulse_csv(rows, "pulse", "Whole programme")["usefulness"] == "3.0"
    assert _pulse_csv(rows, "pulse by circle", "Oak")["usefulness"] == "4.0"
    assert _pulse_csv(rows, "pulse by circle", "Elm")["safety"] == "3.0"


def test_it_never_shows_admins_comments_or_who_answered(admin, coach, programme, api_client):
    from tests.insights.conftest import answer

    _, session, users = add_circle(programme, people=[dept("Sales")] * 6, name="Oak",
                                   coach=coach, answered=5)  # fmt: skip
    answer(session, users[5], comment="The facilitator talks over us")
    page = _dashboard(admin, programme, by="circle")
    exported = str(_csv(admin, programme)) + str(_api(admin, programme, api_client))
    for text in (page, exported):
        assert "talks over us" not in text
        assert all(user.email not in text and user.name not in text for user in users)


def test_it_names_the_circle_not_a_person_in_warnings(admin, programme):
    _, _, users = add_circle(programme, people=[dept("Sales")] * 6, name="Oak",
                             scores=(2, 2, 2, 1))  # fmt: skip
    data = selectors.programme_insights(programme=programme)
    oak = next(h for h in data.health if h.circle.name == "Oak")
    assert any("Low psychological safety" in w for w in oak.warnings)
    assert any("No upcoming session" in w for w in oak.warnings)
    page = _dashboard(admin, programme)
    assert "Oak" in page and not any(user.name in page for user in users)


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(admin, programme):
    from circlewise.contracts.models import ContractVersion

    client = client_for(admin)
    url = reverse("insights:dashboard", args=["acme", programme.pk])
    csv_url = reverse("insights:dashboard_csv", args=["acme", programme.pk])

    def queries_for(circles: int) -> tuple[int, int]:
        while programme.circles.count() < circles:
            circle, _, users = add_circle(programme, people=[dept("Sales")] * 5,
                                          name=f"Circle {programme.circles.count()}")  # fmt: skip
            ContractVersion.objects.create(circle=circle, number=1)
            for wave in ("start", "end"):
                for user in users:
                    answer_outcome(programme, user, wave=wave)
        client.get(url)  # warm the session and the content types
        # ...and the outcomes cache: the dashboard reuses its own figures for a few minutes, so
        # it no longer refreshes the outcome figures the export reads.
        client.get(csv_url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"by": "circle", "outcomes_by": "circle"})
            assert page.status_code == 200
        with CaptureQueriesContext(connection) as exported:
            assert client.get(csv_url).status_code == 200
        return len(queries), len(exported)

    # The page and the CSV each read in a fixed number of queries, outcome surveys included.
    few = queries_for(2)
    assert few == queries_for(6) == queries_for(12)
    assert max(few) <= 18


def test_it_warns_of_falling_attendance_and_sessions_without_attendance(programme):
    import datetime as dt

    from django.utils import timezone

    from circlewise.coaching.models import Attendance
    from tests.circle_fixtures import make_session

    circle, first, users = add_circle(programme, people=[dept("Sales")] * 5, name="Oak",
                                      when=timezone.now() - dt.timedelta(days=150))  # fmt: skip
    for number in range(2, 6):  # all five present twice more, then two of five twice
        session = make_session(
            circle, number=number, starts_at=first.starts_at + dt.timedelta(days=28 * (number - 1))
        )
        present = 5 if number <= 3 else 2
        for index, user in enumerate(users):
            Attendance.objects.create(
                session=session, user=user, status="present" if index < present else "absent"
            )
    make_session(circle, number=6, starts_at=timezone.now() - dt.timedelta(days=1))
    make_session(circle, number=7, starts_at=timezone.now() + dt.timedelta(days=20))
    oak = next(h for h in selectors.programme_insights(programme=programme).health
               if h.circle == circle)  # fmt: skip
    assert "Attendance fell from 100% to 40%" in oak.warnings
    assert "1 past session with no attendance taken" in oak.warnings
    assert not any("No upcoming" in w for w in oak.warnings)


def test_it_warns_when_a_circles_contract_is_not_accepted_by_everyone(admin, programme):
    from circlewise.contracts.models import ContractAcceptance, ContractVersion

    def warned(circle) -> bool:
        health = selectors.programme_insights(programme=programme).health
        found = next(h for h in health if h.circle == circle)
        return "Contract not yet accepted by every member" in found.warnings

    circle, _, users = add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    assert warned(circle)  # no contract agreed yet
    version = ContractVersion.objects.create(circle=circle, number=1)
    seats = list(circle.members.all())
    for seat in seats[:4]:
        ContractAcceptance.objects.create(version=version, member=seat)
    assert warned(circle)
    ContractAcceptance.objects.create(version=version, member=seats[4])
    assert not warned(circle)
    page = _dashboard(admin, programme)
    assert not any(user.name in page for user in users)
