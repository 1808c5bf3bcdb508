"""Forming a programme's circles: the run, the proposal, edits, publishing, later changes.

Every path that changes circles (propose, manual edit, late joiner, queue, merge) is checked with
``assert_rules_hold``: sizes within the range and no hard-rule violation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from circlewise.circles import services as circle_services
from circlewise.circles.models import Circle, CircleMember
from circlewise.formation import services
from circlewise.formation.composition import compose
from circlewise.formation.errors import EditRefused, FormationError
from circlewise.formation.models import FormationStatus
from circlewise.formation.runs import formation_execute
from circlewise.formation.tasks import formation_run_task
from circlewise.matching import check
from circlewise.programmes.models import Participant, ParticipantStatus, ProgrammeStatus


def assert_rules_hold(programme, groups) -> None:
    """Every group of participants is within the size range and breaks no hard rule."""
    people = [p for group in groups for p in group]
    composition = compose(programme, people, leave_out=False)
    ids = composition.problem_ids([[p.pk for p in group] for group in groups])
    assert all(programme.min_size <= len(group) <= programme.max_size for group in ids)
    assert check(composition.problem, ids) == []


def proposal_groups(run) -> list[list[Participant]]:
    by_pk = Participant.objects.in_bulk([pk for group in run.proposal for pk in group])
    return [[by_pk[pk] for pk in group] for group in run.proposal]


def published_groups(programme) -> list[list[Participant]]:
    return [
        [member.participant for member in circle.members.filter(left_at__isnull=True)]
        for circle in programme.circles.filter(status="active")
    ]


def test_it_forms_a_proposal_that_keeps_every_rule(programme, add_participants, form, admin):
    add_participants(programme, 23)
    run = form(programme, admin)
    assert run.status == FormationStatus.PROPOSED
    assert run.progress == 1.0
    assert sorted(pk for group in run.proposal for pk in group) == sorted(
        programme.participants.values_list("pk", flat=True)
    )
    assert run.objective > 0 and run.upper_bound >= run.objective
    assert_rules_hold(programme, proposal_groups(run))


def test_it_runs_the_task_once_even_when_enqueued_twice(programme, add_participants, form, admin):
    add_participants(programme, 10)
    run = form(programme, admin)
    proposal = run.proposal
    formation_run_task.enqueue(run.pk)  # a second delivery of the same task
    assert formation_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.proposal == proposal and run.status == FormationStatus.PROPOSED


def test_it_returns_the_running_run_instead_of_starting_another(programme, add_participants, admin):
    add_participants(programme, 10)
    first = services.formation_start(programme=programme, by=admin)  # task not run: no commit
    assert services.formation_start(programme=programme, by=admin) == first
    assert programme.formation_runs.count() == 1


def test_it_replaces_a_run_whose_worker_died(programme, add_participants, admin):
    add_participants(programme, 10)
    stalled = services.formation_start(programme=programme, by=admin)
    stalled.status = FormationStatus.RUNNING
    stalled.started_at = timezone.now() - dt.timedelta(minutes=30)
    stalled.save()
    fresh = services.formation_start(programme=programme, by=admin)
    stalled.refresh_from_db()
    assert fresh != stalled and stalled.status == FormationStatus.FAILED
    assert "stopped before it finished" in stalled.error


def test_it_forms_circles_that_can_all_meet_when_the_overlap_rule_is_hard(
    make_programme, add_participants, form, admin
):
    programme = make_programme(overlap_rule="hard")
    add_participants(programme, 6)
    add_participants(programme, 5, start=6, time_zone="Asia/Tokyo")
    run = form(programme, admin)
    assert run.status == FormationStatus.PROPOSED
    for group in proposal_groups(run):
        assert len({p.time_zone for p in group}) == 1  # London and Tokyo 9-5 never overlap
    assert_rules_hold(programme, proposal_groups(run))


def test_it_refuses_to_start_without_enough_ready_people(programme, add_participants, admin):
    add_participants(programme, 3)
    add_participants(programme, 5, start=3, intake_completed_at=None)
    with pytest.raises(FormationError, match="3 participants have completed the intake"):
        services.formation_start(programme=programme, by=admin)


def test_it_reports_the_engines_message_when_rules_cannot_hold(
    make_programme, add_participants, form, admin
):
    programme = make_programme(min_size=5, max_size=5)
    add_participants(programme, 7)  # 7 people cannot fill circles of exactly 5
    run = form(programme, admin)
    assert run.status == FormationStatus.FAILED
    assert run.proposal == []
    assert "7 people" in " ".join(run.warnings) and "circles of 5-5" in " ".join(run.warnings)


def test_it_leaves_out_a_language_group_too_small_for_a_circle_with_a_warning(
    make_programme, add_participants, form, admin
):
    programme = make_programme(same=["language"])
    add_participants(programme, 12)
    add_participants(programme, 4, start=12, languages=["German"])
    run = form(programme, admin)
    assert run.status == FormationStatus.PROPOSED
    assert run.warnings == [
        "4 people with language German: cannot form circles of 5-6; they are not placed "
        "(change the rules or the size range, or place them by hand later)."
    ]
    placed = {pk for group in run.proposal for pk in group}
    german = set(programme.participants.filter(languages=["German"]).values_list("pk", flat=True))
    assert not placed & german
    assert_rules_hold(programme, proposal_groups(run))


def test_it_writes_progress_at_most_twice_a_second(programme, add_participants, admin):
    from circlewise.formation import runs
    from circlewise.matching import Progress

    add_participants(programme, 10)
    run = services.formation_start(programme=programme, by=admin)
    run.status = FormationStatus.RUNNING
    run.save()
    clock = iter([10.0, 10.2, 10.6])
    report = runs._Progress(run.pk, clock=lambda: next(clock))
    report(Progress(stage="search", fraction=0.25, ratio=0.9))
    report(Progress(stage="search", fraction=0.5, ratio=0.95))
    run.refresh_from_db()
    assert (run.progress, run.stage) == (0.25, "searching")
    assert run.message == "Searching for the most diverse circles: 90% of the best possible so far"
    report(Progress(stage="search", fraction=0.75, ratio=0.975))
    run.refresh_from_db()
    assert (run.progress, run.message[-25:]) == (0.75, "98% of the best possible so far"[-25:])


# Manual edits -----------------------------------------------------------------------------------


def test_it_moves_a_person_and_pins_the_circle_they_join(programme, add_participants, form, admin):
    add_participants(programme, 11)  # one circle of 6 and one of 5
    run = form(programme, admin)
    big = max(range(2), key=lambda i: len(run.proposal[i]))
    mover = run.proposal[big][0]
    services.proposal_move(run=run, participant_id=mover, to_circle=1 - big, by=admin)
    run.refresh_from_db()
    assert mover in run.proposal[1 - big]
    pinned = {run.pins[str(pk)] for pk in run.proposal[1 - big]}
    assert len(pinned) == 1  # the whole circle is kept together on a re-run
    assert_rules_hold(programme, proposal_groups(run))


def test_it_refuses_a_move_that_breaks_the_size_range_and_changes_nothing(
    programme, add_participants, form, admin
):
    add_participants(programme, 10)  # two circles of 5
    run = form(programme, admin)
    before = (run.proposal, run.pins)
    refused = r"^(Alder|Birch) circle would have [46] people; circles have 5 to 6\."
    with pytest.raises(EditRefused, match=refused):
        services.proposal_move(run=run, participant_id=run.proposal[0][0], to_circle=1, by=admin)
    run.refresh_from_db()
    assert (run.proposal, run.pins) == before


def test_it_refuses_a_swap_that_puts_someone_with_their_manager(
    programme, add_participants, form, admin
):
    people = add_participants(programme, 10)
    boss = people[0]
    for report in people[1:3]:
        report.manager_email = boss.email
        report.save()
    run = form(programme, admin)
    assert_rules_hold(programme, proposal_groups(run))
    boss_circle = next(i for i, group in enumerate(run.proposal) if boss.pk in group)
    report = people[1]
    other = next(pk for pk in run.proposal[boss_circle] if pk not in (boss.pk, people[2].pk))
    with pytest.raises(EditRefused, match="Person 0 and Person 1 must not share a circle"):
        services.proposal_swap(run=run, first_id=report.pk, second_id=other, by=admin)


def test_it_swaps_two_people_and_keeps_the_edit_on_a_re_run(
    programme, add_participants, form, admin
):
    add_participants(programme, 12)
    run = form(programme, admin)
    first, second = run.proposal[0][0], run.proposal[1][0]
    services.proposal_swap(run=run, first_id=first, second_id=second, by=admin)
    run.refresh_from_db()
    assert second in run.proposal[0] and first in run.proposal[1]
    together = [set(group) for group in run.proposal]
    rerun = form(programme, admin)
    assert rerun.pk != run.pk and rerun.pins == run.pins
    assert sorted(map(sorted, rerun.proposal)) == sorted(map(sorted, together))


# Publishing -------------------------------------------------------------------------------------


def test_it_publishes_circles_and_emails_each_member_after_commit(
    programme, add_participants, form, admin, django_capture_on_commit_callbacks
):
    add_participants(programme, 11)
    run = form(programme, admin)
    with django_capture_on_commit_callbacks(execute=True):
        circles = services.formation_publish(run=run, by=admin)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.PUBLISHED
    assert [c.name for c in circles] == ["Alder circle", "Birch circle"]
    assert CircleMember.objects.filter(circle__programme=programme).count() == 11
    assert len(mail.outbox) == 11
    message = mail.outbox[0]
    assert "Your circle for New managers" in message.subject
    assert "New managers support each other" in message.body
    assert f"/o/acme/circles/{circles[0].pk}/" in message.body or "/circles/" in message.body
    assert_rules_hold(programme, published_groups(programme))
    with pytest.raises(FormationError, match="can no longer be changed"):
        services.formation_publish(run=run, by=admin)


def test_it_publishes_nothing_when_a_rule_broke_since_the_proposal(
    programme, add_participants, form, admin
):
    people = add_participants(programme, 10)
    run = form(programme, admin)
    group = next(group for group in run.proposal if people[0].pk in group)
    mate = Participant.objects.get(pk=next(pk for pk in group if pk != people[0].pk))
    mate.manager_email = people[0].email  # their manager, reported after the proposal
    mate.save()
    with pytest.raises(FormationError, match="not published"):
        services.formation_publish(run=run, by=admin)
    assert not Circle.objects.exists()
    programme.refresh_from_db()
    assert programme.status != ProgrammeStatus.PUBLISHED


# After launch -----------------------------------------------------------------------------------


def test_it_places_late_joiners_in_circles_with_room(
    published, add_participants, admin, django_capture_on_commit_callbacks
):
    joiners = add_participants(published, 3, start=10)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.late_joiners_place(programme=published, by=admin)
    placed = [p for people in result.placed.values() for p in people]
    assert len(placed) == 2 and len(result.queued) == 1  # two circles, one member each
    assert {p.pk for p in placed} | {p.pk for p in result.queued} == {p.pk for p in joiners}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in placed)
    assert_rules_hold(published, published_groups(published))


def test_it_says_why_a_late_joiner_could_not_be_placed(published, add_participants, admin):
    joiners = add_participants(published, 3, start=10)
    result = services.late_joiners_place(programme=published, by=admin)
    [waiting] = result.queued
    assert waiting in joiners
    assert result.reasons[waiting.pk] == "2 circles full"


def test_it_places_a_late_joiner_in_the_circle_the_admin_chose(
    published, add_participants, admin, django_capture_on_commit_callbacks
):
    joiner = add_participants(published, 1, start=10)[0]
    circle = published.circles.order_by("pk").last()
    with django_capture_on_commit_callbacks(execute=True):
        placed = services.late_joiner_place(
            programme=published, participant_id=joiner.pk, circle_id=circle.pk, by=admin
        )
    assert placed == circle and circle.members.filter(participant=joiner).exists()
    assert [m.to[0] for m in mail.outbox] == [joiner.email]
    assert_rules_hold(published, published_groups(published))


def test_it_refuses_to_place_a_late_joiner_against_a_rule_and_says_which(
    published, add_participants, admin
):
    circle = published.circles.order_by("pk").first()
    boss = circle.members.first().participant
    joiner = add_participants(published, 1, start=10, manager_email=boss.email)[0]
    with pytest.raises(EditRefused, match=f"{boss.name} is in {circle.name}, and"):
        services.late_joiner_place(
            programme=published, participant_id=joiner.pk, circle_id=circle.pk, by=admin
        )
    full = published.circles.order_by("pk").last()
    services.late_joiner_place(
        programme=published, participant_id=joiner.pk, circle_id=full.pk, by=admin
    )
    other = add_participants(published, 1, start=11)[0]
    with pytest.raises(EditRefused, match=f"^{full.name} is full \\(6 people\\)"):
        services.late_joiner_place(
            programme=published, participant_id=other.pk, circle_id=full.pk, by=admin
        )
    assert not CircleMember.objects.filter(participant=other).exists()


def test_it_never_places_a_late_joiner_with_their_manager(published, add_participants, admin):
    managers = [circle.members.first().participant for circle in published.circles.all()]
    joiner = add_participants(published, 1, start=10)[0]
    joiner.manager_email = managers[0].email
    joiner.save()
    services.late_joiners_place(programme=published, by=admin)
    member = CircleMember.objects.get(participant=joiner)
    assert member.circle == managers[1].circle_memberships.get().circle
    assert_rules_hold(published, published_groups(published))


def test_it_forms_a_new_circle_from_the_queue_in_the_worker(
    published, add_participants, admin, django_capture_on_commit_callbacks
):
    add_participants(published, 5, start=10)
    services.late_joiners_place(programme=published, by=admin)  # 2 placed, 3 queued
    with pytest.raises(FormationError, match="3 people are waiting"):
        services.queue_circles_start(programme=published, by=admin)
    add_participants(published, 2, start=15)
    run = services.queue_circles_start(programme=published, by=admin)
    assert run.status == FormationStatus.QUEUED and not published.circles.filter(
        name="Cedar circle"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        formation_run_task.enqueue(run.pk)
    run.refresh_from_db()
    circle = published.circles.get(name="Cedar circle")
    assert run.status == FormationStatus.PUBLISHED and circle.members.count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        circle.members.values_list("email", flat=True)
    )
    assert_rules_hold(published, published_groups(published))


def test_it_removes_a_leaver_and_tells_the_rest_of_the_circle(
    published, admin, django_capture_on_commit_callbacks
):
    circle = published.circles.first()
    leaver = circle.members.first()
    with django_capture_on_commit_callbacks(execute=True):
        circle_services.circle_member_remove(member=leaver, by=admin)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        circle.members.filter(left_at__isnull=True).values_list("email", flat=True)
    )
    assert "has left" in mail.outbox[0].subject


def test_it_suggests_merges_for_a_circle_below_the_minimum(
    make_programme, add_participants, form, admin, django_capture_on_commit_callbacks
):
    programme = make_programme(min_size=4, max_size=6)
    add_participants(programme, 8)  # two circles of 4
    run = form(programme, admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.formation_publish(run=run, by=admin)
    circles = list(programme.circles.all())
    small = circles[-1]
    members = list(small.members.all())
    assert not small.merge_targets.exists()
    for member in members[: len(members) - 2]:
        with django_capture_on_commit_callbacks(execute=True):
            circle_services.circle_member_remove(member=member, by=admin)
    assert small.members.filter(left_at__isnull=True).count() == 2
    targets = list(small.merge_targets.all())  # stored when the members changed
    assert targets and all(t.members.filter(left_at__isnull=True).count() <= 4 for t in targets)
    services.circle_merge(source=small, target=targets[0], by=admin)
    small.refresh_from_db()
    assert small.status == "closed"
    assert_rules_hold(programme, published_groups(programme))


# Second cohort -----------------------------------------------------------------------------------


def test_it_keeps_apart_people_who_shared_a_circle_in_an_earlier_programme(
    published, make_programme, add_participants, form, admin
):
    first_circles = [
        {member.email for member in circle.members.all()} for circle in published.circles.all()
    ]
    second = make_programme(name="Second cohort", avoid_previous_circles=True)
    add_participants(second, 30)  # the same ten people and twenty more
    run = form(second, admin)
    assert run.status == FormationStatus.PROPOSED
    for group in proposal_groups(run):
        emails = {p.email for p in group}
        assert all(len(emails & before) <= 1 for before in first_circles)


def test_it_may_put_former_circle_mates_together_when_the_programme_allows(
    published, make_programme, add_participants
):
    second = make_programme(name="Second cohort", avoid_previous_circles=False)
    add_participants(second, 10)
    composition = compose(second, list(second.participants.all()))
    assert list(composition.problem.separate) == []


def test_it_leaves_a_participant_queued_when_they_have_left_the_programme(published):
    person = published.participants.first()
    person.status = ParticipantStatus.LEFT
    person.save()
    from circlewise.formation.selectors import unplaced_participants

    assert person not in unplaced_participants(programme=published)


# Workers that die ------------------------------------------------------------------------------


def _stall(run, **fields):
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()


def test_it_queues_a_run_whose_worker_died_again_then_fails_it_with_a_clear_message(
    programme, add_participants, form, admin, django_capture_on_commit_callbacks
):
    from circlewise.formation.runs import runs_recover_stalled
    from circlewise.formation.tasks import formation_watch_task

    add_participants(programme, 10)
    good = form(programme, admin)
    run = services.formation_start(programme=programme, by=admin)  # a new run, never finished
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    _stall(run, status=FormationStatus.RUNNING, started_at=long_ago, created_at=long_ago)
    assert runs_recover_stalled(now=long_ago + dt.timedelta(seconds=30)) == []
    with django_capture_on_commit_callbacks(execute=True):
        formation_watch_task.enqueue()  # what a restarted worker finds due
    run.refresh_from_db()
    assert (run.status, run.attempts) == (FormationStatus.PROPOSED, 1)  # formed on the retry
    second = services.formation_start(programme=programme, by=admin)
    _stall(second, status=FormationStatus.RUNNING, started_at=long_ago, attempts=1)
    assert runs_recover_stalled() == []
    second.refresh_from_db()
    assert second.status == FormationStatus.FAILED and "stopped" in second.error
    good.refresh_from_db()
    assert good.status == FormationStatus.PROPOSED  # the last good proposal is kept


def test_it_treats_a_run_nobody_picked_up_as_stalled_and_counts_from_its_start(
    programme, add_participants, admin
):
    from circlewise.formation.runs import is_stalled

    add_participants(programme, 10)
    run = services.formation_start(programme=programme, by=admin)
    assert not is_stalled(run)
    assert is_stalled(run, now=run.queued_at + dt.timedelta(minutes=11))
    # Created long ago but started a moment ago: still within its time.
    _stall(run, status=FormationStatus.RUNNING, created_at=run.created_at - dt.timedelta(hours=1))
    _stall(run, started_at=timezone.now())
    assert not is_stalled(run)


def test_it_shows_the_last_good_proposal_while_a_new_run_fails(
    programme, add_participants, form, admin
):
    from tests.conftest import client_for

    add_participants(programme, 10)
    form(programme, admin)
    run = services.formation_start(programme=programme, by=admin)
    _stall(run, status=FormationStatus.FAILED, error="The server stopped")
    page = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/formation/").content.decode()
    assert "The server stopped" in page and "Proposal: 2 circles" in page


def test_it_welcomes_each_member_once_even_when_the_task_runs_twice(
    programme, add_participants, form, admin, django_capture_on_commit_callbacks
):
    from circlewise.formation.tasks import circle_welcome_task

    add_participants(programme, 10)
    run = form(programme, admin)
    with django_capture_on_commit_callbacks(execute=True):
        circles = services.formation_publish(run=run, by=admin)
    assert len(mail.outbox) == 10
    with django_capture_on_commit_callbacks(execute=True):
        circle_welcome_task.enqueue(circles[0].pk)
    assert len(mail.outbox) == 10
    assert not CircleMember.objects.filter(welcomed_at__isnull=True).exists()


def test_it_words_why_the_rules_cannot_hold_from_the_engines_fields():
    from circlewise.formation.runs import infeasible_words
    from circlewise.matching import Attribute, InfeasibleError, Problem, form_circles

    problem = Problem(
        ids=[f"p{i}" for i in range(7)],
        values={"language": ["German"] * 7, "team": list("abcdefg")},
        attributes=[Attribute("team")],
        min_size=5,
        max_size=5,
        same=["language"],
    )
    with pytest.raises(InfeasibleError) as caught:
        form_circles(problem, time_limit=0)
    error = caught.value
    assert (error.reason, error.group, error.size) == (
        "group_unsplittable",
        {"language": "German"},
        7,
    )
    assert infeasible_words(error, {}) == (
        "7 participants (language German) cannot be split into circles of 5 to 5. Widen the "
        "size range or drop the rule that keeps them together."
    )


def test_it_refuses_to_form_circles_for_a_start_date_out_of_range(
    programme, add_participants, admin
):
    # A programme saved before dates were checked: formation explains instead of overflowing.
    add_participants(programme, 6)
    type(programme).objects.filter(pk=programme.pk).update(start_date=dt.date(9999, 12, 31))
    programme.refresh_from_db()
    with pytest.raises(FormationError, match="start date"):
        services.formation_start(programme=programme, by=admin)
    assert not programme.formation_runs.exists()
