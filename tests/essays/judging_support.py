"""Builders for the judging tests: a contest of the `tree` fixture's city with an essay task,
a two-line rubric, submitted entries in wards of districts A and B, judges and panels."""

from __future__ import annotations

import datetime
import itertools
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from contests.models import Unit
from essays.models import Criterion, Entry, EssayTask, Judge, Panel
from tests.factories import ContestFactory, RegistrationFactory

_n = itertools.count(1)


def essay_task(tree, **kwargs) -> EssayTask:
    now = timezone.now()
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    task = EssayTask.objects.create(
        contest=contest,
        title="Bài viết tìm hiểu dịch vụ công trực tuyến",
        questions="<p>Câu 1. Nêu lợi ích của dịch vụ công trực tuyến.</p>",
        opens_at=now - datetime.timedelta(days=20),
        unit_deadline=now - datetime.timedelta(days=10),
        city_deadline=now + datetime.timedelta(days=1),
        **({"forward_top_n": 2, "third_mark_gap": 10} | kwargs),
    )
    # Highest total: 10×2 + 10×1 = 30.
    Criterion.objects.create(task=task, order=1, name="Nội dung", max_marks=10, weight=2)
    Criterion.objects.create(task=task, order=2, name="Hình thức trình bày", max_marks=10, weight=1)
    return task


def entry(task: EssayTask, unit: Unit, *, district: Unit | None = None, text=None) -> Entry:
    registration = RegistrationFactory(contest=task.contest, unit=unit)
    return Entry.objects.create(
        task=task,
        registration=registration,
        code=secrets.token_hex(4).upper(),
        text=text or f"Bài viết số {next(_n)} về dịch vụ công trực tuyến.",
        word_count=8,
        status=Entry.Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=11, minutes=next(_n)),
        district=district
        if district is not None
        else Unit.objects.get(path=unit.path[: -Unit.steplen]),
    )


def judge(home: Unit, username: str | None = None) -> Judge:
    user = get_user_model().objects.create_user(
        username=username or f"gk{next(_n)}", password="secret-pass-123", first_name="Giám khảo"
    )
    return Judge.objects.create(user=user, home_unit=home)


def panel(task: EssayTask, unit: Unit, judges, *, final=False) -> Panel:
    p = Panel.objects.create(
        task=task,
        unit=unit,
        stage=Entry.Stage.FINAL if final else Entry.Stage.PRELIMINARY,
        name=f"Ban giám khảo {'chung khảo' if final else 'sơ khảo'} {unit.name}",
    )
    p.judges.set(judges)
    return p


def values(task: EssayTask, first, second, comment="") -> dict:
    a, b = task.criteria.order_by("order")
    return {a.pk: (str(first), comment), b.pk: (str(second), comment)}
