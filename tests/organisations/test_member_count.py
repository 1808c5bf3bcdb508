"""The dashboard's member count is kept in the cache (circlewise.core.kept), and every service
that adds or removes a member forgets it: the count shown right after a change is the new one."""

from __future__ import annotations

from django.core.cache import cache

from circlewise.accounts.services import account_delete
from circlewise.organisations import services
from circlewise.organisations.models import Membership
from circlewise.organisations.selectors import member_count, member_count_key
from circlewise.programmes.services import participant_claim
from tests.conftest import client_for, make_user
from tests.programmes.factories import make_participant, make_programme


def _shown(organisation) -> int:
    counted = member_count(organisation=organisation)
    assert counted == Membership.objects.filter(organisation=organisation).count()
    return counted


def test_the_dashboard_shows_the_kept_count(organisation, admin, member):
    assert "one of 2 members" in client_for(admin).get("/o/acme/").text
    assert cache.get(member_count_key(organisation_id=organisation.pk)) == 2


def test_accepting_an_invitation_counts_the_new_member_at_once(organisation, admin):
    assert _shown(organisation) == 1
    newcomer = make_user("newbie@acme.test", "Newbie")
    invitation = services.invitation_create(
        organisation=organisation, email=newcomer.email, by=admin
    )
    services.invitation_accept(invitation=invitation, by=newcomer)
    assert _shown(organisation) == 2


def test_removing_a_member_counts_them_out_at_once(organisation, admin, member):
    assert _shown(organisation) == 2
    services.member_remove(membership=Membership.objects.get(user=member), by=admin)
    assert _shown(organisation) == 1


def test_claiming_an_enrolment_counts_the_new_member_at_once(organisation, admin):
    assert _shown(organisation) == 1
    programme = make_programme(organisation)
    newcomer = make_user("enrolled@acme.test", "Enrolled")
    make_participant(programme, newcomer.email)
    assert participant_claim(programme=programme, user=newcomer) is not None
    assert _shown(organisation) == 2


def test_deleting_an_account_counts_it_out_at_once(organisation, admin, member):
    assert _shown(organisation) == 2
    account_delete(user=member)
    assert _shown(organisation) == 1


def test_a_count_kept_again_before_the_removal_commits_is_forgotten_once_it_does(
    organisation, admin, member, django_capture_on_commit_callbacks
):
    assert _shown(organisation) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.member_remove(membership=Membership.objects.get(user=member), by=admin)
        # A page in another process, reading before this commits, keeps the old count again.
        cache.set(member_count_key(organisation_id=organisation.pk), 2)
    assert _shown(organisation) == 1
