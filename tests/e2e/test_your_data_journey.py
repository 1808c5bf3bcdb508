"""Your data (issue 12): a member downloads everything held about them and deletes their
account; a circle-mate then sees "a former member" where she appeared.

The circle, its next session (Mia can't make it), its contract (Mia accepted) and Mia's journal
are made in the database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from circlewise.accounts.models import User
from circlewise.contracts.models import ContractAcceptance, ContractVersion
from circlewise.journal.models import JournalEntry
from circlewise.meetings.models import SessionAbsence
from circlewise.organisations.models import Membership, Organisation, Role
from tests.circle_fixtures import make_circle, make_session
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in


def _circle():
    acme = Organisation.objects.create(name="Acme", slug="acme")
    people = {}
    for email, role in (("ada@acme.test", Role.ADMIN), ("mia@acme.test", Role.MEMBER),
                        ("sam@acme.test", Role.MEMBER)):  # fmt: skip
        people[email] = make_user(email, {"ada": "Ada Admin", "mia": "Mia Member",
                                          "sam": "Sam Mate"}[email.split("@")[0]])  # fmt: skip
        Membership.objects.create(organisation=acme, user=people[email], role=role)
    mia, sam = people["mia@acme.test"], people["sam@acme.test"]
    circle = make_circle(acme, members=[sam, mia], host=sam, name="Oak")
    session = make_session(circle, starts_at=timezone.now().replace(microsecond=0)
                           + dt.timedelta(days=5))  # fmt: skip
    SessionAbsence.objects.create(session=session, user=mia, note="At a conference")
    agreements = ["What is said here stays here"]
    version = ContractVersion.objects.create(circle=circle, number=1, agreements=agreements)
    for seat in circle.members.all():
        ContractAcceptance.objects.create(version=version, member=seat)
    JournalEntry.objects.create(owner=mia, organisation=acme, body="Ask Sam about delegating")
    return circle, mia


def test_a_member_downloads_their_data_deletes_their_account_and_becomes_a_former_member(
    new_page,
):
    circle, mia = _circle()
    page = new_page()
    log_in(page, "mia@acme.test")
    page.goto("/account/settings/")
    page.get_by_role("link", name="Download your data or delete your account").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    shoot_at_both_sizes(page, "your-data-page")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["profile"]["email"] == "mia@acme.test"
    assert data["journal"]["journal_entries"][0]["body"] == "Ask Sam about delegating"
    assert data["meetings"]["cant_make_it"][0]["note"] == "At a conference"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my sessions (.ics)").click()
    assert b"BEGIN:VCALENDAR" in Path(download.value.path()).read_bytes()

    page.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", name="Delete your account?")).to_be_visible()
    shoot_at_both_sizes(page, "your-data-confirm")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    assert User.objects.get(pk=mia.pk).deleted_at is None
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    shoot_at_both_sizes(page, "your-data-deleted")

    # The old credentials no longer open anything.
    log_in(page, "mia@acme.test")
    expect(page).to_have_url("/accounts/login/")
    assert not JournalEntry.objects.exists()

    # Sam sees "a former member" where Mia appeared: who can't make the next session, and who
    # accepted the contract.
    sam = new_page()
    log_in(sam, "sam@acme.test")
    sam.goto(f"/o/acme/circles/{circle.pk}/schedule/")
    expect(sam.get_by_text("Can't make it: a former member")).to_be_visible()
    expect(sam.get_by_text("Mia")).to_have_count(0)
    sam.goto(f"/o/acme/circles/{circle.pk}/contract/")
    sam.get_by_text("Version 1,").click()
    expect(sam.get_by_text("a former member (")).to_be_visible()
    expect(sam.get_by_text("Mia Member")).to_have_count(0)
    shoot_at_both_sizes(sam, "your-data-circle-mate")
