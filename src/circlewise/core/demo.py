"""The demo organisation: Northwind Health, ~320 people, and a programme ready to form circles.

People come from the matching engine's synthetic generator (skewed departments, a reporting tree,
offices in several time zones); this module turns them into accounts, memberships and programme
participants. Loading is all-or-nothing and idempotent: a second run finds the organisation and
changes nothing.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from circlewise.accounts.models import User
from circlewise.coaching.demo import load_circle_life
from circlewise.core.running_demo import publish_running_programme
from circlewise.insights.demo import load_outcome_answers
from circlewise.matching.synthetic import generate_organisation
from circlewise.meetings.demo import schedule_demo_circles
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import (
    Participant,
    ParticipantStatus,
    Programme,
    ProgrammeStatus,
    Source,
)

__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "LOGINS", "MIN_PEOPLE", "DemoResult", "load_demo"]

DEMO_SLUG = "northwind"
DEMO_NAME = "Northwind Health"
DEMO_DOMAIN = "northwind.example"
DEMO_PASSWORD = "northwind-demo-2027"  # noqa: S105 (published on purpose: demo data only)
LOGINS = {
    Role.ADMIN: f"admin@{DEMO_DOMAIN}",
    Role.COACH: f"coach@{DEMO_DOMAIN}",
    Role.MEMBER: f"member@{DEMO_DOMAIN}",
}
PROGRAMME_NAME = "New managers 2027"
PROGRAMME_SIZE = 300
MIN_PEOPLE = 10  # the chief executive, three demo logins and a few more
RULE_ATTRIBUTES = ("department", "level", "location", "background")

_TIME_ZONES = {
    "London": "Europe/London",
    "New York": "America/New_York",
    "Berlin": "Europe/Berlin",
    "Munich": "Europe/Berlin",
    "Paris": "Europe/Paris",
    "Madrid": "Europe/Madrid",
    "Mexico City": "America/Mexico_City",
    "São Paulo": "America/Sao_Paulo",
    "Bangalore": "Asia/Kolkata",
    "Singapore": "Asia/Singapore",
    "Tokyo": "Asia/Tokyo",
    "Toronto": "America/Toronto",
}
_LANGUAGE_CODES = {
    "English": "en",
    "German": "de",
    "French": "fr",
    "Spanish": "es",
    "Portuguese": "pt",
    "Japanese": "ja",
}
_UI_LANGUAGES = {"de": "de", "fr": "fr", "es": "es"}  # everyone else reads the site in English
_GOALS = [
    "Have better one-to-ones with my team.",
    "Give honest feedback without damaging the relationship.",
    "Delegate more and stop being the bottleneck.",
    "Lead a team through a reorganisation.",
    "Find my own management style instead of copying my old boss.",
    "Handle conflict between two people in my team.",
    "Say no to work that is not ours.",
    "Build trust with a team that works in three time zones.",
    "Manage people who used to be my peers.",
    "Keep my own wellbeing in view while the team is under pressure.",
]


@dataclass(frozen=True)
class DemoResult:
    organisation: Organisation
    created: bool
    people: int
    participants: int


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _emails(people: list[dict]) -> dict[str, str]:
    """Generator email -> Northwind email; three people get the published demo logins.

    The admin and coach work in People (HR, who run the programme); the member is an individual
    contributor in the largest department.
    """
    mapping = {p["email"]: f"{_ascii(p['email'].split('@')[0])}@{DEMO_DOMAIN}" for p in people}
    departments = [p["department"] for p in people[1:]]
    largest = max(set(departments), key=departments.count)
    wanted = [
        (Role.ADMIN, lambda p: p["department"] == "People"),
        (Role.COACH, lambda p: p["department"] == "People"),
        (Role.MEMBER, lambda p: p["department"] == largest and "anager" not in p["level"]),
    ]
    taken: set[str] = set()
    for role, fits in wanted:
        candidates = [p for p in people[1:] if p["email"] not in taken]
        person = next((p for p in candidates if fits(p)), candidates[0])
        taken.add(person["email"])
        mapping[person["email"]] = LOGINS[role]
    return mapping


def _availability(rng: random.Random) -> list[dict]:
    """Working-hours windows on three to five weekdays, in the person's own time zone."""
    days = sorted(rng.sample(range(5), rng.randint(3, 5)))
    start, end = rng.choice([8, 9, 9, 10]), rng.choice([16, 17, 17, 18])
    return [{"day": d, "start": f"{start:02d}:00", "end": f"{end:02d}:00"} for d in days]


def _create_accounts(people: list[dict], emails: dict[str, str]) -> dict[str, User]:
    """Accounts with verified addresses and one shared password, hashed once."""
    addresses = [emails[p["email"]] for p in people]
    existing = set(User.objects.filter(email__in=addresses).values_list("email", flat=True))
    password = make_password(DEMO_PASSWORD)
    new_users = [
        User(
            email=emails[p["email"]],
            name=p["name"],
            password=password,
            time_zone=_TIME_ZONES.get(p["location"], "UTC"),
            language=_UI_LANGUAGES.get(_LANGUAGE_CODES.get(p["language"], "en"), "en-gb"),
        )
        for p in people
        if emails[p["email"]] not in existing
    ]
    User.objects.bulk_create(new_users)
    users = {u.email: u for u in User.objects.filter(email__in=addresses)}
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=users[u.email], email=u.email, verified=True, primary=True)
            for u in new_users
        ],
        ignore_conflicts=True,
    )
    return users


def _create_memberships(
    organisation: Organisation, people: list[dict], emails: dict[str, str], users: dict[str, User]
) -> None:
    roles = {address: role for role, address in LOGINS.items()}
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                organisation=organisation,
                user=users[emails[p["email"]]],
                role=roles.get(emails[p["email"]], Role.MEMBER),
                job_title=f"{p['level']}, {p['department']}",
                department=p["department"],
                level=p["level"],
                location=p["location"],
            )
            for p in people
        ]
    )
    by_email = {m.user.email: m for m in memberships}
    for person, membership in zip(people, memberships, strict=True):
        if person["manager_email"]:
            membership.manager = by_email[emails[person["manager_email"]]]
    Membership.objects.bulk_update(memberships, ["manager"])


def _create_programme(
    organisation: Organisation,
    people: list[dict],
    emails: dict[str, str],
    users: dict[str, User],
    rng: random.Random,
) -> int:
    admin = users[LOGINS[Role.ADMIN]]
    programme = Programme.objects.create(
        organisation=organisation,
        name=PROGRAMME_NAME,
        goal="Give managers in their first two years a circle of peers from across Northwind to "
        "work through real leadership challenges together.",
        start_date=date(2027, 1, 11),
        diversify=list(RULE_ATTRIBUTES),
        same=["language"],
        separate_reporting_line=True,
        status=ProgrammeStatus.ENROLLING,
        created_by=admin,
    )
    staff = {LOGINS[Role.ADMIN], LOGINS[Role.COACH]}  # they run the programme, not join it
    enrolled = [p for p in people[1:] if emails[p["email"]] not in staff][:PROGRAMME_SIZE]
    now = timezone.now()
    participants = []
    for p in enrolled:
        language = _LANGUAGE_CODES.get(p["language"], "en")
        participants.append(
            Participant(
                programme=programme,
                email=emails[p["email"]],
                name=p["name"],
                user=users[emails[p["email"]]],
                manager_email=emails[p["manager_email"]] if p["manager_email"] else "",
                attributes={name: p[name] for name in RULE_ATTRIBUTES},
                consented_attributes=[],
                # Northwind works in English; many also speak their office's language.
                languages=["en"] if language == "en" else [language, "en"],
                time_zone=_TIME_ZONES.get(p["location"], "UTC"),
                availability=_availability(rng),
                goals=rng.choice(_GOALS),
                status=ParticipantStatus.ACTIVE,
                source=Source.CSV,
                intake_completed_at=now,
                invited_at=now,
            )
        )
    Participant.objects.bulk_create(participants)
    return len(participants)


def load_demo(*, people: int = 320, seed: int = 2027) -> DemoResult:
    """Create the demo organisation unless it exists; return it and what was created."""
    existing = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        # Circles published since the last load get a schedule; scheduled ones are left alone.
        publish_running_programme(
            organisation=existing, member_email=LOGINS[Role.MEMBER], coach_email=LOGINS[Role.COACH]
        )
        schedule_demo_circles(organisation_slug=DEMO_SLUG)
        load_circle_life(organisation_slug=DEMO_SLUG)
        load_outcome_answers(organisation_slug=DEMO_SLUG, member_email=LOGINS[Role.MEMBER])
        return DemoResult(existing, created=False, people=0, participants=0)
    generated = generate_organisation(people, seed=seed)
    emails = _emails(generated)
    rng = random.Random(seed)
    with transaction.atomic():
        organisation = Organisation.objects.create(name=DEMO_NAME, slug=DEMO_SLUG)
        users = _create_accounts(generated, emails)
        _create_memberships(organisation, generated, emails, users)
        enrolled = _create_programme(organisation, generated, emails, users, rng)
        publish_running_programme(
            organisation=organisation,
            member_email=LOGINS[Role.MEMBER],
            coach_email=LOGINS[Role.COACH],
        )
        schedule_demo_circles(organisation_slug=DEMO_SLUG)
        load_circle_life(organisation_slug=DEMO_SLUG)
        load_outcome_answers(organisation_slug=DEMO_SLUG, member_email=LOGINS[Role.MEMBER])
    return DemoResult(organisation, created=True, people=len(generated), participants=enrolled)
