"""Reads for participants: eligibility facts, the unit cascade, a person's contests."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from contests.models import Category, Contest, Unit
from contests.selectors import unit_ancestors
from participants import identity
from participants.invites import invite_read, invite_token
from participants.models import (
    DocumentType,
    DuplicateSuspect,
    GuardianConsent,
    Participant,
    Registration,
)
from participants.rules.age_groups import AgeGroup, age_groups
from participants.rules.category import CategoryOption, category_choices
from participants.rules.eligibility import ContestTerms, Person
from participants.rules.identity_lock import identity_locked_fields

# A unit cascade deeper than this is refused (a real tree has 4-5 levels).
MAX_CASCADE_DEPTH = 12


def contest_opening_day(*, contest: Contest) -> datetime.date:
    """The contest's opening day in settings.TIME_ZONE, as grading dates attempts (a contest
    opening at 00:30 on 1/9 in Hà Nội opens on 1/9, not 31/8 UTC)."""
    return contest.opens_at.astimezone(timezone.get_default_timezone()).date()


def contest_reference_date(*, contest: Contest) -> datetime.date:
    """The day ages are counted on: the contest's own reference date, else its opening day."""
    if contest.age_reference_date is not None:
        return contest.age_reference_date
    return contest_opening_day(contest=contest)


def contest_age_groups(*, contest: Contest) -> list[AgeGroup]:
    """The contest's age groups, youngest first (from its minimum age)."""
    return age_groups(contest.min_age)


def contest_terms(*, contest: Contest) -> ContestTerms:
    """What `contest` says about who may enter it, for `participants.rules.eligibility`."""
    return ContestTerms(
        published=contest.status == Contest.Status.PUBLISHED,
        closes_at=contest.closes_at,
        opens_on=contest_opening_day(contest=contest),
        reference_date=contest_reference_date(contest=contest),
        min_age=contest.min_age,
        allow_citizens=contest.allow_citizens,
        allow_foreigners=contest.allow_foreigners,
    )


def guardian_consent_current(*, participant: Participant) -> GuardianConsent | None:
    """The guardian's consent in force for `participant` (the latest), or None."""
    return GuardianConsent.objects.filter(participant=participant).order_by("-at", "-pk").first()


def person_facts(
    *, participant: Participant, contest: Contest, guardian_given: bool = False
) -> Person:
    """The facts about `participant` that decide whether they may join `contest`;
    `guardian_given`: a guardian's consent comes with this request (else one on file counts)."""
    reference = contest_reference_date(contest=contest)
    guardian = guardian_given or (
        identity.needs_guardian(participant.date_of_birth, reference)
        and guardian_consent_current(participant=participant) is not None
    )
    return Person(
        date_of_birth=participant.date_of_birth,
        document_type=participant.document_type,
        document_number=participant.document_number,
        issuing_country=participant.issuing_country,
        excluded=contest.excluded.filter(document_number=participant.document_number).exists(),
        duplicate_pending=DuplicateSuspect.objects.filter(
            duplicate=participant,
            reason=DuplicateSuspect.Reason.SAME_DOCUMENT,
            status=DuplicateSuspect.Status.OPEN,
        ).exists(),
        guardian_consent=guardian,
    )


def unit_children(*, unit: Unit | None) -> QuerySet[Unit]:
    """The direct children of a unit (the roots for None), by name."""
    if unit is None:
        return Unit.objects.filter(depth=1).order_by("name")
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("name")


def unit_chain(*, root: Unit | None, selected_ids: list[str]) -> tuple[list[dict], Unit | None]:
    """Resolve a cascading choice: `selected_ids[i]` is the id chosen at level i below `root`.

    Returns the levels to show (each {"options": [...], "selected": id or None}) and the
    deepest unit chosen (None when nothing valid was chosen). A choice that is not a child of
    the previous one ends the chain there: a tampered form can never pick a unit outside."""
    levels: list[dict] = []
    parent = root
    chosen: Unit | None = None
    for level in range(MAX_CASCADE_DEPTH):
        options = list(unit_children(unit=parent).only("id", "name", "path", "depth", "numchild"))
        if not options:
            break
        raw = selected_ids[level] if level < len(selected_ids) else ""
        match = next((u for u in options if str(u.pk) == str(raw).strip()), None)
        levels.append({"options": options, "selected": match.pk if match else None})
        if match is None:
            break
        chosen = match
        parent = match
        if not match.numchild:
            break
    return levels, chosen


def unit_ancestors_below(*, unit: Unit, root: Unit | None) -> list[Unit]:
    """The chain from just below `root` (from the top for None) down to `unit` itself; empty
    when `unit` is not inside `root`."""
    if root is not None and not unit.path.startswith(root.path):
        return []
    chain = [*unit_ancestors(unit=unit), unit]
    top = root.depth if root is not None else 0
    return [u for u in chain if u.depth > top]


def participant_is_locked(*, participant: Participant) -> bool:
    """Identity fields are locked once the person has started any attempt in any contest."""
    return participant.registrations.filter(attempts__isnull=False).exists()


def participant_locked_fields(*, participant: Participant) -> frozenset[str]:
    """The identity fields the person can no longer change themselves
    (participants.rules.identity_lock): one query."""
    facts = participant.registrations.aggregate(
        joined=Count("id"), attempted=Count("attempts", filter=Q(attempts__isnull=False))
    )
    return identity_locked_fields(joined=facts["joined"] > 0, attempted=facts["attempted"] > 0)


def registrations_for(*, participant: Participant) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(participant=participant)
        .select_related("contest", "unit", "block")
        .order_by("-contest__opens_at")
    )


def registered_contest_ids(*, user) -> QuerySet:
    """The ids of the contests `user`'s participant is registered in, as a subquery (the
    announcement banner's contests.selectors.announcements_unread_for takes it)."""
    return Registration.objects.filter(participant__user=user).values("contest_id")


def contest_category_options(*, contest: Contest) -> list[CategoryOption]:
    """The contest's categories with the ids of the blocks each lists, in the contest's order,
    for participants.rules.category. Two queries (one when it has no categories)."""
    rows = Category.blocks.through.objects.filter(category__contest=contest)
    categories = {c.pk: c for c in Category.objects.filter(contest=contest).order_by("order", "id")}
    if not categories:
        return []
    blocks: dict[int, set[int]] = {pk: set() for pk in categories}
    for category_id, unit_id in rows.values_list("category_id", "unit_id"):
        blocks[category_id].add(unit_id)
    return [CategoryOption(pk, c.name, frozenset(blocks[pk])) for pk, c in categories.items()]


def unit_block(*, unit: Unit, root: Unit) -> Unit | None:
    """The child of `root` that `unit` lies under (its block), None for the root itself."""
    if unit.depth <= root.depth or not unit.path.startswith(root.path):
        return None
    return Unit.objects.filter(path=unit.path[: (root.depth + 1) * Unit.steplen]).first()


def join_category_choices(
    *, contest: Contest, options: list[CategoryOption], unit: Unit | None
) -> list[CategoryOption]:
    """The categories the join form offers for the unit chosen so far: none when the unit's
    block decides (participants.rules.category); before a unit is chosen, all of them unless
    every block of the contest decides by itself."""
    if not options:
        return []
    root = contest.participation_root
    if unit is not None:
        block = unit_block(unit=unit, root=root)
        return category_choices(options, block_id=block.pk if block else None)
    blocks = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
    block_ids = list(blocks.values_list("id", flat=True))
    if block_ids and all(not category_choices(options, block_id=b) for b in block_ids):
        return []
    return list(options)


def contests_open_to_join() -> QuerySet[Contest]:
    return Contest.objects.filter(
        status=Contest.Status.PUBLISHED, closes_at__gt=timezone.now()
    ).order_by("opens_at")


PUBLIC_COUNT_SECONDS = 60


def contest_registration_count(*, contest: Contest) -> int:
    """Registrations in the contest, for its public page: cached a minute ("live" to the
    minute, the same for everyone). The cache is an optimisation: Redis down means a count."""
    key = f"participants:public:count:v1:{contest.pk}"
    with contextlib.suppress(Exception):
        count = cache.get(key)
        if count is not None:
            return count
    count = Registration.objects.filter(contest=contest).count()
    with contextlib.suppress(Exception):
        cache.set(key, count, timeout=PUBLIC_COUNT_SECONDS)
    return count


def find_user_for_login(login: str):
    """The account a login box value names: a phone in any common spelling (the username is
    the E.164 phone) or a document number. None when nothing or more than one matches."""
    key = identity.login_key(login)
    if not key:
        return None
    if key.startswith("+84"):
        return get_user_model().objects.filter(username=key).first()
    number = identity.strip_separators(key).upper()
    if not number.isascii() or not number.isalnum() or len(number) > 20:
        return None
    # document_type__in lets PostgreSQL use the (type, number) unique index.
    matches = list(
        Participant.objects.filter(
            document_type__in=DocumentType.values, document_number=number
        ).select_related("user")[:2]
    )
    if len(matches) != 1:
        return None
    return matches[0].user


# --- Unit invite links -----------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    """A genuine invite link: the contest it opens and the unit it pre-selects."""

    token: str
    contest: Contest
    unit: Unit


def invite_resolve(*, token: str) -> Invite | None:
    """The invite a token stands for: a genuine token (participants.invites) for a published
    contest and a unit of its participation subtree; None otherwise. Two queries at most."""
    ids = invite_read(token)
    if ids is None:
        return None
    contest = (
        Contest.objects.select_related("participation_root")
        .filter(pk=ids[0], status=Contest.Status.PUBLISHED)
        .first()
    )
    if contest is None:
        return None
    unit = Unit.objects.filter(pk=ids[1], path__startswith=contest.participation_root.path).first()
    if unit is None:
        return None
    return Invite(
        token=invite_token(contest_id=contest.pk, unit_id=unit.pk), contest=contest, unit=unit
    )


def invite_contests_for(*, path_prefix: str) -> QuerySet[Contest]:
    """Contests (not drafts) whose participation tree meets an organiser's subtree: the
    organiser's units lie in it, or it lies in the organiser's subtree."""
    contests = Contest.objects.exclude(status=Contest.Status.DRAFT).select_related(
        "participation_root"
    )
    if path_prefix:
        inside = [path_prefix[:n] for n in range(Unit.steplen, len(path_prefix) + 1, Unit.steplen)]
        contests = contests.filter(
            Q(participation_root__path__startswith=path_prefix)
            | Q(participation_root__path__in=inside)
        )
    return contests.order_by("-opens_at")


def invite_units_for(*, contest: Contest, path_prefix: str) -> QuerySet[Unit]:
    """The units of a contest's participation tree inside an organiser's subtree, in tree
    order: each has its invite link."""
    root = contest.participation_root
    units = Unit.objects.filter(path__startswith=root.path)
    if path_prefix:
        units = units.filter(path__startswith=path_prefix)
    return units.order_by("path")


def invite_counts(*, contest: Contest, unit_ids: list[int]) -> dict[int, int]:
    """Registrations in `contest` made through each unit's invite link (one grouped query on
    the (contest, invited_via) index)."""
    rows = (
        Registration.objects.filter(contest=contest, invited_via_id__in=unit_ids)
        .values_list("invited_via_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)
