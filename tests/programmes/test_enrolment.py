"""Enrolment: CSV upload with preview and all-or-nothing import, one by one, sign-up link."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import (
    EnrolmentUpload,
    Participant,
    ParticipantStatus,
    ProgrammeStatus,
    Source,
)
from tests.conftest import client_for, make_user
from tests.programmes.factories import make_participant, make_programme

GOOD_CSV = (
    b"email,name,manager_email,department\n"
    b"ann@acme.test,Ann,boss@acme.test,Sales\n"
    b"bob@acme.test,Bob,,Finance\n"
)
BAD_CSV = b"email,name\nann@acme.test,Ann\nnot-an-email,Bad\nann@acme.test,Ann again\n"


def _upload(client, programme, content: bytes, name: str = "people.csv"):
    return client.post(
        reverse("programmes:enrol", args=["acme", programme.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_it_previews_an_upload_without_enrolling_anyone(admin, programme):
    response = _upload(client_for(admin), programme, BAD_CSV)
    upload = EnrolmentUpload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programmes:upload", args=["acme", programme.pk, upload.pk])
    page = client_for(admin).get(response.url)
    assert "not-an-email" in page.text and "is not a valid email address" in page.text
    assert "Duplicate of line 2" in page.text
    assert "Enrol 3 people" not in page.text  # no confirm button while there are errors
    assert Participant.objects.count() == 0


def test_it_refuses_to_confirm_an_upload_with_errors(admin, programme):
    _upload(client_for(admin), programme, BAD_CSV)
    upload = EnrolmentUpload.objects.get()
    url = reverse("programmes:upload", args=["acme", programme.pk, upload.pk])
    response = client_for(admin).post(url, follow=True)
    assert "Fix the problems in the file" in response.text
    assert Participant.objects.count() == 0


def test_it_imports_a_confirmed_upload_and_invites_everyone(
    admin, programme, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    _upload(client, programme, GOOD_CSV)
    upload = EnrolmentUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:upload", args=["acme", programme.pk, upload.pk]))
    assert response.status_code == 302
    people = {p.email: p for p in programme.participants.all()}
    assert set(people) == {"ann@acme.test", "bob@acme.test"}
    assert people["ann@acme.test"].manager_email == "boss@acme.test"
    assert people["ann@acme.test"].attributes == {"department": "Sales"}
    assert people["ann@acme.test"].source == Source.CSV
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@acme.test", "bob@acme.test"]
    assert f"/o/acme/programmes/{programme.pk}/welcome/" in mail.outbox[0].body
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ENROLLING


def test_it_imports_nothing_when_someone_was_enrolled_since_the_preview(admin, programme):
    client = client_for(admin)
    _upload(client, programme, GOOD_CSV)
    make_participant(programme, "bob@acme.test")
    upload = EnrolmentUpload.objects.get()
    response = client.post(
        reverse("programmes:upload", args=["acme", programme.pk, upload.pk]), follow=True
    )
    assert "Enrolled since the preview" in response.text
    assert list(programme.participants.values_list("email", flat=True)) == ["bob@acme.test"]


def test_it_imports_an_upload_only_once(admin, programme):
    client = client_for(admin)
    _upload(client, programme, GOOD_CSV)
    url = reverse(
        "programmes:upload", args=["acme", programme.pk, EnrolmentUpload.objects.get().pk]
    )
    client.post(url)
    assert client.post(url).status_code == 404  # confirmed uploads are no longer pending
    assert programme.participants.count() == 2


def test_it_refuses_a_stale_preview(admin, programme):
    client = client_for(admin)
    _upload(client, programme, GOOD_CSV)
    upload = EnrolmentUpload.objects.get()
    EnrolmentUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    url = reverse("programmes:upload", args=["acme", programme.pk, upload.pk])
    assert "more than a day old" in client.post(url, follow=True).text
    assert programme.participants.count() == 0


def test_it_never_confirms_another_programmes_upload(admin, organisation, programme):
    other = make_programme(organisation, name="Second cohort")
    client = client_for(admin)
    _upload(client, other, GOOD_CSV)
    upload = EnrolmentUpload.objects.get()
    url = reverse("programmes:upload", args=["acme", programme.pk, upload.pk])
    assert client.post(url).status_code == 404
    assert Participant.objects.count() == 0


def test_it_only_imports_the_rows_stored_server_side(admin, programme):
    """Whatever the browser posts with the confirmation, only the stored preview is imported."""
    client = client_for(admin)
    _upload(client, programme, GOOD_CSV)
    url = reverse(
        "programmes:upload", args=["acme", programme.pk, EnrolmentUpload.objects.get().pk]
    )
    client.post(url, {"rows": '[{"email": "mallory@evil.test"}]', "email": "mallory@evil.test"})
    assert set(programme.participants.values_list("email", flat=True)) == {
        "ann@acme.test",
        "bob@acme.test",
    }


def test_it_rejects_an_oversized_upload(admin, programme):
    response = _upload(client_for(admin), programme, b"email\n" + b"a" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "larger than 2 MB" in response.text
    assert EnrolmentUpload.objects.count() == 0


def test_it_links_existing_members_when_importing(admin, member, programme):
    client = client_for(admin)
    _upload(client, programme, b"email\nmia@acme.test\n")
    client.post(
        reverse("programmes:upload", args=["acme", programme.pk, EnrolmentUpload.objects.get().pk])
    )
    assert programme.participants.get().user == member


# One by one --------------------------------------------------------------------------------------
def test_it_adds_one_person_and_invites_them(admin, programme, django_capture_on_commit_callbacks):
    url = reverse("programmes:add", args=["acme", programme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(url, {"email": " Zed@Acme.test ", "name": "Zed"})
    assert response.status_code == 302
    assert programme.participants.get().email == "zed@acme.test"
    assert mail.outbox[0].to == ["zed@acme.test"]


def test_it_refuses_to_add_someone_twice(admin, programme):
    make_participant(programme, "zed@acme.test")
    url = reverse("programmes:add", args=["acme", programme.pk])
    response = client_for(admin).post(url, {"email": "ZED@acme.test"})
    assert response.status_code == 400
    assert "already enrolled" in response.text
    assert programme.participants.count() == 1


def test_it_refuses_an_invalid_manager_email(admin, programme):
    url = reverse("programmes:add", args=["acme", programme.pk])
    response = client_for(admin).post(url, {"email": "z@acme.test", "manager_email": "boss"})
    assert response.status_code == 400
    assert "Manager email “boss” is not a valid address" in response.text
    assert programme.participants.count() == 0


# Sign-up link ------------------------------------------------------------------------------------
def _join_url(programme) -> str:
    return reverse("programmes:join", args=["acme", programme.signup_token])


def test_it_enrols_a_member_through_the_sign_up_link(member, programme):
    client = client_for(member)
    assert "Enrol me" in client.get(_join_url(programme)).text
    response = client.post(_join_url(programme))
    assert response.url == reverse("programmes:intake", args=["acme", programme.pk])
    participant = programme.participants.get()
    assert (participant.user, participant.source) == (member, Source.LINK)
    assert participant.status == ParticipantStatus.ACTIVE


def test_it_enrols_through_the_link_only_once(member, programme):
    client = client_for(member)
    client.post(_join_url(programme))
    response = client.post(_join_url(programme), follow=True)
    assert "already enrolled" in response.text
    assert programme.participants.count() == 1


def test_it_sends_anonymous_visitors_of_the_link_to_log_in_and_back(db, programme):
    from django.test import Client

    response = Client().get(_join_url(programme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next=/o/acme/programmes/join/{programme.signup_token}/" in response.url


def test_it_says_clearly_when_the_link_is_closed(member, programme):
    programme.signup_open = False
    programme.save()
    response = client_for(member).post(_join_url(programme))
    assert response.status_code == 200
    assert "Sign-up for this programme is closed" in response.text
    assert programme.participants.count() == 0


def test_it_tells_non_members_to_ask_for_an_invitation(outsider, programme):
    response = client_for(outsider).post(_join_url(programme))
    assert response.status_code == 403
    assert "for members of <strong>Acme</strong>" in response.text
    assert programme.participants.count() == 0


def test_it_hides_a_wrong_token(member, programme):
    url = reverse("programmes:join", args=["acme", "not-the-token"])
    assert client_for(member).get(url).status_code == 404


def test_admins_can_close_and_reopen_the_link(admin, programme):
    url = reverse("programmes:signup_toggle", args=["acme", programme.pk])
    client_for(admin).post(url)
    programme.refresh_from_db()
    assert programme.signup_open is False
    client_for(admin).post(url)
    programme.refresh_from_db()
    assert programme.signup_open is True


# Accepting an emailed invitation -----------------------------------------------------------------
def test_it_links_an_invitation_to_the_verified_owner_of_the_address(db, programme):
    make_participant(programme, "new@elsewhere.test")
    newcomer = make_user("new@elsewhere.test")
    url = reverse("programmes:accept", args=["acme", programme.pk])
    page = client_for(newcomer).get(url)
    assert page.status_code == 200 and "new@elsewhere.test" in page.text
    assert programme.participants.get().user is None  # opening the page changes nothing
    assert not Membership.objects.filter(user=newcomer).exists()
    response = client_for(newcomer).post(url)
    assert response.url == reverse("programmes:intake", args=["acme", programme.pk])
    assert programme.participants.get().user == newcomer
    assert Membership.objects.get(user=newcomer).role == Role.MEMBER


def test_it_refuses_an_invitation_to_an_unverified_address(db, programme):
    make_participant(programme, "new@elsewhere.test")
    newcomer = make_user("new@elsewhere.test")
    newcomer.emailaddress_set.update(verified=False)
    response = client_for(newcomer).post(reverse("programmes:accept", args=["acme", programme.pk]))
    assert response.status_code == 404
    assert not Membership.objects.filter(user=newcomer).exists()


def test_it_refuses_an_invitation_for_someone_else(member, programme):
    make_participant(programme, "someone-else@acme.test")
    response = client_for(member).post(reverse("programmes:accept", args=["acme", programme.pk]))
    assert response.status_code == 404
    assert programme.participants.get().user is None


def test_it_shows_long_names_nul_characters_and_open_quotes_as_row_errors(admin, programme):
    # On PostgreSQL a NUL character stored in the preview would fail with a 500.
    content = (
        f"email,name\nann@acme.test,{'A' * 151}\nbob@acme.test,B\x00b\n"
        'cy@acme.test,"Cy\ndee@acme.test,Dee\n'
    ).encode()
    client = client_for(admin)
    response = _upload(client, programme, content, name="peo\x00ple.csv")
    assert response.status_code == 302
    page = client.get(response.url).text
    assert "The name is 151 characters long; the most is 150." in page
    assert "The name contains a NUL character; remove it." in page
    assert "A quote (&quot;) opened on this line is never closed" in page
    upload = EnrolmentUpload.objects.get()
    assert not upload.can_confirm and "\x00" not in upload.filename
    assert "Fix the problems in the file" in client.post(response.url, follow=True).text
    assert Participant.objects.count() == 0


def test_it_refuses_a_participant_name_on_several_lines(admin, programme):
    url = reverse("programmes:add", args=["acme", programme.pk])
    response = client_for(admin).post(url, {"email": "z@acme.test", "name": "Zed\nBcc: x@y.z"})
    assert response.status_code == 400
    assert "The name must be on one line." in response.text
    assert programme.participants.count() == 0
