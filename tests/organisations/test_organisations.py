"""Creating organisations, the dashboard by role, and the organisation switcher."""

from __future__ import annotations

from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import client_for, make_user


def test_it_creates_an_organisation_with_its_creator_as_admin(db):
    user = make_user("ann@example.test")
    response = client_for(user).post("/o/new/", {"name": "  Northwind Health "})
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/o/{organisation.slug}/"
    assert (organisation.name, organisation.slug) == ("Northwind Health", "northwind-health")
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN


def test_it_never_uses_a_reserved_or_taken_slug(db):
    user = make_user("ann@example.test")
    client = client_for(user)
    client.post("/o/new/", {"name": "New"})
    client.post("/o/new/", {"name": "New"})
    client.post("/o/new/", {"name": "Invitations"})
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "invitations-2",
        "new-2",
        "new-3",
    ]


def test_it_refuses_an_empty_name(db):
    response = client_for(make_user("ann@example.test")).post("/o/new/", {"name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Organisation.objects.exists()


def test_it_shows_each_role_what_it_can_do(organisation, admin, coach, member):
    admin_page = client_for(admin).get("/o/acme/").content.decode()
    coach_page = client_for(coach).get("/o/acme/").content.decode()
    member_page = client_for(member).get("/o/acme/").content.decode()
    assert "/o/acme/invitations/" in admin_page and "/o/acme/programmes/" in admin_page
    assert "/o/acme/members/" in coach_page and "/o/acme/invitations/" not in coach_page
    assert "/o/acme/programmes/" in coach_page
    assert "/o/acme/circles/" in member_page
    assert "/o/acme/members/" not in member_page and "/o/acme/programmes/" not in member_page


def test_it_shows_the_current_organisation_on_its_pages(organisation, admin):
    content = client_for(admin).get("/o/acme/members/").content.decode()
    assert 'data-testid="current-organisation"' in content
    assert "Current organisation: </span>Acme" in content


def test_it_offers_a_switcher_to_people_in_several_organisations(organisation, admin):
    other = Organisation.objects.create(name="Globex", slug="globex")
    client = client_for(admin)
    assert "Switch organisation" not in client.get("/o/acme/").content.decode()
    Membership.objects.create(organisation=other, user=admin, role=Role.MEMBER)
    content = client.get("/o/acme/").content.decode()
    assert "Switch organisation" in content
    assert 'href="/o/globex/"' in content
    assert 'href="/o/acme/" aria-current="page"' in content


def test_it_lists_only_the_users_organisations(organisation, admin, outsider):
    content = client_for(admin).get("/o/").content.decode()
    assert "Acme" in content and "Globex" not in content
