"""The essay demo (devdata.essays): seed 003's 2019 contest with entries typed and uploaded,
district panels marked and forwarded, the city's final marking half done; an open essay task
in the demo contest; idempotent. Through the real services, so the pipeline is the product's."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from devdata.essays import PEOPLE, SLUG_2019, seed_essay_contest
from devdata.services.demo import DEMO_PASSWORD, DEMO_SLUG
from essays.models import Assignment, Entry, EssayTask, Panel

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(
        Entry._meta.get_field("file"), "storage", FileSystemStorage(location=str(tmp_path))
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return EssayTask.objects.get(contest__slug=SLUG_2019)


def test_the_2019_pipeline(seeded):
    task = seeded
    entries = list(task.entries.order_by("code"))
    assert len(entries) == len(PEOPLE) == 8
    assert all(e.status == "submitted" for e in entries)
    assert all(task.opens_at <= e.submitted_at < task.unit_deadline for e in entries)
    assert sorted(e.file_type for e in entries) == [""] * 6 + ["pdf", "pdf"]
    assert {e.district.code for e in entries} == {"HN-TX", "HN-CG"}
    # Every entry pre-marked by two judges who are not from its own ward.
    for entry in entries:
        prelim = Assignment.objects.filter(entry=entry, stage="preliminary")
        assert prelim.count() >= 2
        assert all(a.marked_at for a in prelim)
        assert not any(
            entry.registration.unit.path.startswith(a.judge.home_unit.path) for a in prelim
        )
        assert entry.preliminary_mark is not None
    # All forwarded (fewer than 100 per district); the districts' panels are closed.
    assert all(e.stage == "final" and e.forwarded_at for e in entries)
    assert (
        Panel.objects.filter(task=task, stage="preliminary", closed_at__isnull=False).count() == 2
    )
    finals = [e.final_mark for e in entries]
    assert 0 < sum(m is not None for m in finals) < len(entries)


def test_demo_logins_and_pages(seeded):
    task = seeded
    users = get_user_model().objects
    judge_user = users.get(username="gk.thanhpho1")
    assert judge_user.check_password(DEMO_PASSWORD) and not judge_user.is_staff
    judge = Client()
    judge.force_login(judge_user)
    queue = judge.get("/cham-thi/")
    assert queue.status_code == 200
    open_task = EssayTask.objects.get(contest__slug=DEMO_SLUG)
    city = Client()
    city.force_login(users.get(username="sotuphap"))
    html = city.get(reverse("admin:essays_entry_changelist") + f"?task__id__exact={task.pk}")
    assert html.status_code == 200
    assert "(ẩn cho đến khi thành phố chốt điểm chung cuộc)" in html.content.decode()
    assert open_task.criteria.count() == 3


def test_idempotent(seeded):
    counts = (Entry.objects.count(), Assignment.objects.count(), Panel.objects.count())
    seed_essay_contest()
    assert (Entry.objects.count(), Assignment.objects.count(), Panel.objects.count()) == counts
