"""Reads for the citizen's essay pages and the file download."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from contests.models import Contest
from contests.selectors import path_prefix_for
from essays.models import Assignment, Entry, EssayTask, Panel
from essays.rules.access import file_access_refusal, identity_revealed
from essays.selectors.judging import marking_final
from participants.models import Registration


def registration_for(*, task: EssayTask, user) -> Registration | None:
    """The person's registration in the task's contest; None when they have not joined it."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("unit")
        .filter(contest_id=task.contest_id, participant__user_id=user.pk)
        .first()
    )


def tasks_of_user(*, user) -> QuerySet[EssayTask]:
    """Essay tasks of the contests the person joined, newest contest first."""
    return (
        EssayTask.objects.select_related("contest")
        .filter(contest__registrations__participant__user_id=user.pk)
        .exclude(contest__status=Contest.Status.DRAFT)
        .order_by("-contest__opens_at", "id")
        .distinct()
    )


def entries_of_user(*, user, tasks) -> dict[int, Entry]:
    """The person's entries for these tasks, by task id."""
    return {
        e.task_id: e
        for e in Entry.objects.filter(task__in=tasks, registration__participant__user_id=user.pk)
    }


def entry_of(*, task: EssayTask, registration: Registration) -> Entry | None:
    return Entry.objects.filter(task=task, registration=registration).first()


def entry_revealed(entry: Entry) -> bool:
    """Whether the person behind the entry's code may be shown to its organisers
    (essays.rules.access.identity_revealed). A list reads `marking_final_flag` annotated by
    `with_marking_final` rather than one query per row."""
    flag = getattr(entry, "marking_final_flag", None)
    final = marking_final(entry.task) if flag is None else flag
    return identity_revealed(marking_final=final, submitted=entry.status == Entry.Status.SUBMITTED)


def with_marking_final(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries, each with `marking_final_flag`: its task's city panel is closed (the same
    fact as essays.selectors.judging.marking_final, read in the list's one query)."""
    return entries.annotate(
        marking_final_flag=Exists(
            Panel.objects.filter(
                task_id=OuterRef("task_id"), stage=Entry.Stage.FINAL, closed_at__isnull=False
            )
        )
    )


def entry_file_for(*, code: str, user):
    """(entry, refusal): the entry whose file `user` asks for by its code, and why not when
    they may not have it (essays.rules.access)."""
    entry = (
        Entry.objects.select_related("task", "registration__unit", "registration__participant")
        .filter(code=code)
        .first()
    )
    if entry is None or not entry.file or not user.is_authenticated:
        return None, file_access_refusal(
            is_owner=False,
            is_assigned_judge=False,
            organiser_prefix=None,
            entry_unit_path="",
            revealed=False,
        )
    is_owner = entry.registration.participant.user_id == user.pk
    is_judge = (
        not is_owner and Assignment.objects.filter(entry=entry, judge__user_id=user.pk).exists()
    )
    prefix = None if (is_owner or is_judge) or not user.is_staff else path_prefix_for(user=user)
    refusal = file_access_refusal(
        is_owner=is_owner,
        is_assigned_judge=is_judge,
        organiser_prefix=prefix,
        entry_unit_path=entry.registration.unit.path,
        revealed=entry_revealed(entry),
    )
    return entry, refusal


def entries_visible_q(*, user) -> Q | None:
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return None
    return Q(registration__unit__path__startswith=prefix)
