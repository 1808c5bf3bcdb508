"""Contracts: members accept the starting terms, any change needs everyone again, every version
is kept, and programmes set the template."""

from __future__ import annotations

import datetime as dt

import pytest

from circlewise.circles.models import Circle, CircleMember
from circlewise.contracts import selectors, services
from circlewise.contracts.errors import ContractError
from circlewise.contracts.models import ContractVersion
from circlewise.contracts.terms import DEFAULT_AGREEMENTS
from circlewise.organisations.models import Membership
from circlewise.programmes.models import Programme
from tests.conftest import client_for, make_user


@pytest.fixture
def programme(organisation):
    return Programme.objects.create(
        organisation=organisation, name="Leads", goal="Grow as leaders.",
        start_date=dt.date(2027, 1, 4), duration_months=12,
    )  # fmt: skip


@pytest.fixture
def circle(organisation, programme, member):
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Oak")
    CircleMember.objects.create(circle=circle, user=member, email=member.email)
    for name in ("Dev", "Nour"):
        user = make_user(f"{name.lower()}@acme.test", name)
        Membership.objects.create(organisation=organisation, user=user)
        CircleMember.objects.create(circle=circle, user=user, email=user.email)
    return circle


def _user(email: str):
    from circlewise.accounts.models import User

    return User.objects.get(email=email)


def test_it_starts_from_the_default_agreements_with_the_programmes_goal(circle):
    status = selectors.contract_status(circle=circle)
    assert status.number == 0 and status.terms.agreements == DEFAULT_AGREEMENTS
    assert status.terms.goal == "Grow as leaders."
    assert status.terms.duration == "12 months from 4 January 2027"
    assert len(status.missing) == 3 and not status.accepted_by_all


def test_it_shows_who_has_not_accepted_until_the_last_one_does(circle, member):
    client = client_for(member)
    client.post(f"/o/acme/circles/{circle.pk}/contract/accept/", {"number": 0})
    page = client.get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert "Not accepted yet by:</strong>\n  Dev, Nour" in page
    services.contract_accept(circle=circle, user=_user("dev@acme.test"), number=1)
    services.contract_accept(circle=circle, user=_user("nour@acme.test"), number=1)
    page = client.get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert "Accepted by everyone" in page and "Not accepted yet" not in page


def test_it_needs_everyone_again_after_a_change_and_keeps_every_version(circle, member):
    for user in (member, _user("dev@acme.test"), _user("nour@acme.test")):
        services.contract_accept(circle=circle, user=user, number=0 if user == member else 1)
    assert selectors.contract_status(circle=circle).accepted_by_all
    response = client_for(_user("dev@acme.test")).post(
        f"/o/acme/circles/{circle.pk}/contract/edit/",
        {"agreements": "Phones away.\nShare the mic.", "goal": "Grow.", "duration": "A year"},
    )
    assert response.status_code == 302
    status = selectors.contract_status(circle=circle)
    assert status.number == 2 and status.terms.agreements == ("Phones away.", "Share the mic.")
    assert [m.email for m, _ in status.accepted] == ["dev@acme.test"]
    assert {m.email for m in status.missing} == {"mia@acme.test", "nour@acme.test"}
    history = selectors.contract_history(circle=circle)
    assert [v.number for v in history] == [2, 1] and len(history[1].accepted) == 3
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/contract/").content.decode()
    assert "Version 1" in page and "Phones away." in page


def test_it_refuses_an_acceptance_of_a_version_that_changed_meanwhile(circle, member):
    services.contract_change(
        circle=circle, user=_user("dev@acme.test"), agreements=["Be kind."], goal="", duration=""
    )
    with pytest.raises(ContractError, match="changed while you were reading"):
        services.contract_accept(circle=circle, user=member, number=0)
    with pytest.raises(ContractError, match="already accepted"):
        services.contract_accept(circle=circle, user=_user("dev@acme.test"), number=1)


@pytest.mark.parametrize(
    ("agreements", "goal", "duration", "message"),
    [
        ([], "", "", "at least one agreement"),
        (["x" * 201], "", "", "Agreement 1 is 201 characters long"),
        (["ok", "bad\x00"], "", "", "Agreement 2 contains a NUL"),
        (["ok"] * 21, "", "", "at most 20 agreements"),
        (["ok"], "g" * 1001, "", "goal is 1001 characters"),
        (["ok"], "", "a\nb", "duration must fit on one line"),
    ],
)
def test_it_refuses_bad_terms_and_changes_nothing(
    circle, member, agreements, goal, duration, message
):
    with pytest.raises(ContractError, match=message):
        services.contract_change(
            circle=circle, user=member, agreements=agreements, goal=goal, duration=duration
        )
    assert not ContractVersion.objects.exists()


def test_it_refuses_an_unchanged_contract(circle, member):
    terms = selectors.contract_status(circle=circle).terms
    with pytest.raises(ContractError, match="Nothing changed"):
        services.contract_change(
            circle=circle, user=member, agreements=terms.agreements, goal=terms.goal,
            duration=terms.duration,
        )  # fmt: skip


def test_it_lets_only_members_accept(circle, coach):
    circle.coach = coach
    circle.save()
    response = client_for(coach).post(
        f"/o/acme/circles/{circle.pk}/contract/accept/", {"number": 0}
    )
    assert response.status_code == 403
    with pytest.raises(ContractError, match="Only the circle's members"):
        services.contract_accept(circle=circle, user=coach, number=0)


def test_it_starts_circles_from_the_programmes_template(circle, programme, admin):
    client_for(admin).post(
        f"/o/acme/programmes/{programme.pk}/contract/",
        {"agreements": "Cameras on.\n\nNo advice unless asked."},
    )
    terms = selectors.contract_status(circle=circle).terms
    assert terms.agreements == ("Cameras on.", "No advice unless asked.")
