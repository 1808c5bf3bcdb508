"""The demo's running programme has start-survey answers: figures on the dashboard, and "not
enough responses yet" where fewer than five answered; loading again changes nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from circlewise.accounts.models import User
from circlewise.core.demo import LOGINS
from circlewise.core.running_demo import RUNNING_PROGRAMME
from circlewise.insights import selectors
from circlewise.insights.models import OutcomeAnswer
from circlewise.insights.privacy import NOT_ENOUGH
from circlewise.organisations.models import Role
from circlewise.programmes.models import Programme
from tests.conftest import client_for


def test_it_gives_the_running_programme_outcome_answers_once(db):
    call_command("load_demo")
    programme = Programme.objects.get(name=RUNNING_PROGRAMME)
    answers = list(OutcomeAnswer.objects.filter(programme=programme).values_list("pk", "user"))
    assert len(answers) == 28
    call_command("load_demo")
    again = OutcomeAnswer.objects.filter(programme=programme).values_list("pk", "user")
    assert list(again) == answers
    member = User.objects.get(email=LOGINS[Role.MEMBER])
    assert not OutcomeAnswer.objects.filter(user=member).exists()
    outcomes = selectors.programme_insights(programme=programme).outcomes
    assert outcomes.overall("start").items["goal_progress"].value is not None
    by_circle = {row.withheld for row in outcomes.rows["start"]["circle"]}
    assert by_circle == {True, False}  # the member's circle (4 of 6) is withheld
    admin = User.objects.get(email=LOGINS[Role.ADMIN])
    url = reverse("insights:dashboard", args=[programme.organisation.slug, programme.pk])
    page = client_for(admin).get(url, {"outcomes_by": "circle"}).content.decode()
    with translation.override(admin.language):  # the page is in the admin's own language
        assert gettext(NOT_ENOUGH) in page[page.index('data-testid="outcomes"') :]
