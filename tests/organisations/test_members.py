"""The members list, role changes and removal (never the last admin)."""

from __future__ import annotations

from circlewise.organisations.models import Membership, Role
from tests.conftest import client_for


def _membership(user) -> Membership:
    return Membership.objects.get(user=user)


def test_it_lists_members_with_their_profile(organisation, admin, coach, member):
    m = _membership(member)
    m.department, m.level, m.location, m.manager = "Finance", "Senior", "Leeds", _membership(coach)
    m.save()
    content = client_for(coach).get("/o/acme/members/").content.decode()
    for text in ("Ada", "Cody", "Mia", "mia@acme.test", "Finance", "Senior", "Leeds"):
        assert text in content
    assert 'name="role"' not in content  # coaches see, admins change


def test_it_searches_members(organisation, admin, coach, member):
    content = client_for(admin).get("/o/acme/members/", {"q": "cody"}).content.decode()
    assert "cody@acme.test" in content and "mia@acme.test" not in content


def test_it_changes_a_role(organisation, admin, member):
    response = client_for(admin).post(
        f"/o/acme/members/{_membership(member).pk}/role/", {"role": "coach"}, follow=True
    )
    assert _membership(member).role == Role.COACH
    assert "Mia is now coach." in response.content.decode()


def test_it_refuses_to_demote_the_last_admin(organisation, admin):
    response = client_for(admin).post(
        f"/o/acme/members/{_membership(admin).pk}/role/", {"role": "member"}, follow=True
    )
    assert _membership(admin).role == Role.ADMIN
    assert "Ada is the only admin of Acme." in response.content.decode()


def test_it_refuses_an_unknown_role(organisation, admin, member):
    response = client_for(admin).post(
        f"/o/acme/members/{_membership(member).pk}/role/", {"role": "owner"}, follow=True
    )
    assert _membership(member).role == Role.MEMBER
    assert "Choose admin, coach or member" in response.content.decode()


def test_it_removes_a_member_after_confirmation(organisation, admin, member):
    client = client_for(admin)
    url = f"/o/acme/members/{_membership(member).pk}/remove/"
    assert "Remove Mia?" in client.get(url).content.decode()
    assert Membership.objects.filter(user=member).exists()
    client.post(url)
    assert not Membership.objects.filter(user=member).exists()


def test_it_refuses_to_remove_the_last_admin(organisation, admin, coach):
    response = client_for(admin).post(
        f"/o/acme/members/{_membership(admin).pk}/remove/", follow=True
    )
    assert Membership.objects.filter(user=admin).exists()
    assert "cannot be removed" in response.content.decode()


def test_it_removes_an_admin_when_another_remains(organisation, admin, coach):
    coach_membership = _membership(coach)
    coach_membership.role = Role.ADMIN
    coach_membership.save()
    client_for(admin).post(f"/o/acme/members/{_membership(admin).pk}/remove/")
    assert not Membership.objects.filter(user=admin).exists()


def test_it_hides_members_of_other_organisations(organisation, admin, outsider):
    response = client_for(admin).post(
        f"/o/acme/members/{_membership(outsider).pk}/role/", {"role": "member"}
    )
    assert response.status_code == 404
    assert _membership(outsider).role == Role.ADMIN


def test_it_searches_members_whatever_the_box_holds(organisation, admin, coach, member):
    # A NUL (PostgreSQL refuses it in a query) or a very long text is no server error.
    response = client_for(admin).get("/o/acme/members/", {"q": "co\x00dy" + " " * 300})
    assert response.status_code == 200
    assert "cody@acme.test" in response.content.decode()
