"""Irreversible actions ask first, on a page that works without JavaScript (issue 9, item 4):
leaving a circle and removing an organisation member, at phone and desktop size."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Membership, Role
from tests.conftest import make_user
from tests.e2e.conftest import SIZES
from tests.e2e.test_programme_journey import log_in
from tests.e2e.test_programme_pages import acme, shoot  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", SIZES)
def test_it_asks_before_a_member_leaves_a_circle(page, acme, size):  # noqa: F811
    page.set_viewport_size(SIZES[size])
    mia = make_user("mia@acme.test", "Mia Member")
    Membership.objects.create(organisation=acme, user=mia, role=Role.MEMBER)
    # Noor hosts: a host cannot leave without handing the role over first.
    circle = Circle.objects.create(organisation=acme, name="Alder circle")
    CircleMember.objects.create(circle=circle, user=mia, email=mia.email)
    for name in ("Noor", "Omar"):
        user = make_user(f"{name.lower()}@acme.test", name)
        Membership.objects.create(organisation=acme, user=user, role=Role.MEMBER)
        CircleMember.objects.create(circle=circle, user=user, email=user.email)
    circle.host = User.objects.get(email="noor@acme.test")
    circle.save(update_fields=["host"])
    log_in(page, "mia@acme.test")
    page.goto(f"/o/acme/circles/{circle.pk}/")
    page.get_by_role("button", name="Leave this circle").click()
    expect(page.get_by_role("heading", name="Leave Alder circle?")).to_be_visible()
    expect(page.get_by_text("(Noor and Omar) will be told by email")).to_be_visible()
    shoot(page, f"leave-circle-{size}")
    page.get_by_role("link", name="Stay in the circle").click()
    assert circle.members.filter(user=mia, left_at__isnull=True).exists()
    page.get_by_role("button", name="Leave this circle").click()
    page.get_by_role("button", name="Leave Alder circle").click()
    expect(page.get_by_text("You left Alder circle.")).to_be_visible()
    assert not circle.members.filter(user=mia, left_at__isnull=True).exists()


@pytest.mark.parametrize("size", SIZES)
def test_it_asks_before_removing_an_organisation_member(page, acme, size):  # noqa: F811
    page.set_viewport_size(SIZES[size])
    bo = make_user("bo@acme.test", "Bo Berg")
    Membership.objects.create(organisation=acme, user=bo, role=Role.MEMBER)
    log_in(page, "ada@acme.test")
    page.goto("/o/acme/members/")
    page.get_by_role("link", name="Remove Bo Berg").click()
    expect(page.get_by_role("heading", name="Remove Bo Berg?")).to_be_visible()
    expect(page.get_by_text("they lose access to its programmes and circles")).to_be_visible()
    shoot(page, f"member-remove-{size}")
    assert Membership.objects.filter(user=bo).exists()
    page.get_by_role("button", name="Remove Bo Berg").click()
    expect(page.get_by_text("Bo Berg was removed from Acme.")).to_be_visible()
    assert not Membership.objects.filter(user=bo).exists()
