"""Figures over time: answers count only once their month is closed, so a coach (or an admin)
comparing a figure before and after one more answer learns nothing (privacy: Closed periods)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from circlewise.insights import selectors
from circlewise.insights.privacy import published_before
from tests.conftest import client_for
from tests.insights.conftest import add_circle, answer, dept


def _coach_sees(coach, circle) -> str:
    """The coach's page, from its main content on (the header carries a fresh CSRF token)."""
    page = client_for(coach).get(reverse("insights:circle", args=["acme", circle.pk]))
    content = page.content.decode()
    return content[content.index("<main") :]


def test_one_more_answer_in_an_open_period_changes_nothing_the_coach_sees(programme, coach):
    circle, _, users = add_circle(
        programme, people=[dept("Sales")] * 6, name="Oak", coach=coach, answered=5
    )
    from tests.circle_fixtures import make_session

    recent = make_session(circle, starts_at=timezone.now().replace(microsecond=0)
                          - dt.timedelta(days=1), number=2)  # fmt: skip
    for user in users[:5]:
        answer(recent, user, scores=(3, 3, 3, 3))
    before = _coach_sees(coach, circle)
    assert "4.0" in before  # the closed month's figure is shown

    answer(recent, users[5], scores=(1, 1, 1, 1))  # the sixth answer, in the open month
    assert _coach_sees(coach, circle) == before
    # The admin's dashboard neither.
    data = selectors.programme_insights(programme=programme)
    assert data.overall.usefulness.value == 4.0 and data.overall.respondents == 5


def test_a_closed_month_with_few_answers_waits_until_five_people_more_have_answered(
    programme, coach
):
    """A growing figure steps by 5 people or more: a month where 2 answered is not added on
    its own (the step would be their answers), only with later months that make 5."""
    circle, _, users = add_circle(
        programme, people=[dept("Sales")] * 6, name="Oak", coach=coach, answered=5,
        when=timezone.now() - dt.timedelta(days=100),
    )  # fmt: skip
    from tests.circle_fixtures import make_session

    month_later = make_session(circle, starts_at=timezone.now().replace(microsecond=0)
                               - dt.timedelta(days=60), number=2)  # fmt: skip
    for user in users[:2]:
        answer(month_later, user, scores=(1, 1, 1, 1))
    data = selectors.programme_insights(programme=programme)
    oak = next(row for row in data.pulse["circle"] if row.key == circle.pk)
    assert (oak.usefulness.value, oak.respondents) == (4.0, 5)


def test_the_dashboard_says_which_months_are_counted(admin, programme):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    client = client_for(admin)
    page = client.get(reverse("insights:dashboard", args=["acme", programme.pk]))
    month = published_before(timezone.now()).strftime("%B %Y")
    assert f"Pulse figures count sessions before {month}" in page.content.decode()
    export = client.get(f"/o/acme/programmes/{programme.pk}/insights.csv").content.decode()
    assert "\npulse,Whole programme," in export


def test_published_before_moves_only_when_a_month_and_its_answer_windows_close():
    utc = dt.UTC
    assert published_before(dt.datetime(2027, 2, 8, 23, tzinfo=utc)) == dt.datetime(
        2027, 1, 1, tzinfo=utc
    )
    assert published_before(dt.datetime(2027, 2, 9, 0, tzinfo=utc)) == dt.datetime(
        2027, 2, 1, tzinfo=utc
    )
