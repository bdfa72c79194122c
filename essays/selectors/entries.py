"""Reads for the citizen's essay pages and the file download."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from contests.models import Contest
from contests.selectors import path_prefix_for
from essays.models import Assignment, Entry, EssayTask
from essays.rules.access import file_access_refusal, identity_revealed
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


def entry_revealed(entry: Entry, *, now=None) -> bool:
    task = entry.task
    return identity_revealed(
        final_mark=entry.final_mark,
        preliminary_mark=entry.preliminary_mark,
        forwarded=entry.forwarded_at is not None,
        city_deadline=task.city_deadline,
        now=now or timezone.now(),
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
