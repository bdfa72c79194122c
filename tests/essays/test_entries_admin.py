"""The organiser's admin for essay tasks (rubric inline, deadlines checked in Vietnamese,
only contests of the subtree) and the anonymous entry list."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essays.models import Criterion, Entry, EssayTask, Panel
from tests.conftest import make_organiser
from tests.essays import entries_support as support
from tests.factories import ContestFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

contest = support.contest
essay_files = support.essay_files
task = support.task

ADD = reverse("admin:essays_essaytask_add")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stamp(moment):
    local = timezone.localtime(moment)
    return {"date": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M:%S")}


def task_form(contest, *, opens, unit, city, **extra):
    data = {
        "contest": contest.pk,
        "title": "Bài viết tìm hiểu DVC",
        "questions": "<p>Câu hỏi <script>alert(1)</script><b>một</b></p>",
        "answer_mode": "either",
        "word_limit": "1500",
        "max_upload_mb": "10",
        "forward_top_n": "100",
        "third_mark_gap": "10",
        "mc_weight": "0",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-order": "1",
        "criteria-0-name": "Nội dung",
        "criteria-0-max_marks": "70",
        "criteria-0-weight": "1",
        "criteria-1-order": "2",
        "criteria-1-name": "Hình thức, sáng tạo",
        "criteria-1-max_marks": "30",
        "criteria-1-weight": "1",
    }
    for name, moment in (("opens_at", opens), ("unit_deadline", unit), ("city_deadline", city)):
        parts = stamp(moment)
        data[f"{name}_0"], data[f"{name}_1"] = parts["date"], parts["time"]
    data.update(extra)
    return data


def test_city_adds_a_task_with_its_rubric(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    client = login(make_organiser(tree["C"], "city_org"))
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    response = client.post(
        ADD, task_form(contest, opens=now, unit=now + 5 * day, city=now + 15 * day)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = EssayTask.objects.get()
    assert "<script>" not in task.questions and "<b>một</b>" in task.questions
    assert list(task.criteria.values_list("name", "max_marks")) == [
        ("Nội dung", 70),
        ("Hình thức, sáng tạo", 30),
    ]


@pytest.mark.parametrize(
    ("unit_days", "city_days", "field_message"),
    [
        (0, 10, "Hạn nộp về đơn vị phải sau thời gian bắt đầu."),
        (-1, 10, "Hạn nộp về đơn vị phải sau thời gian bắt đầu."),
        (5, 4, "Hạn gửi về thành phố không được trước hạn nộp về đơn vị."),
    ],
)
def test_deadlines_out_of_order_refused(tree, unit_days, city_days, field_message):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    client = login(make_organiser(tree["C"], "city_org"))
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    response = client.post(
        ADD,
        task_form(contest, opens=now, unit=now + unit_days * day, city=now + city_days * day),
    )
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert EssayTask.objects.count() == 0 and Criterion.objects.count() == 0


def test_bad_numbers_refused(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    client = login(make_organiser(tree["C"], "city_org"))
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    data = task_form(
        contest,
        opens=now,
        unit=now + day,
        city=now + 2 * day,
        max_upload_mb="500",
        third_mark_gap="0",
        **{"criteria-0-max_marks": "0"},
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Độ lệch phải lớn hơn 0." in html
    assert EssayTask.objects.count() == 0


def test_district_cannot_pick_the_city_contest(tree):
    city_contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    own = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    client = login(make_organiser(tree["A"], "org_a"))
    html = client.get(ADD).content.decode()
    assert f'<option value="{own.pk}"' in html
    assert f'<option value="{city_contest.pk}"' not in html
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    response = client.post(ADD, task_form(city_contest, opens=now, unit=now + day, city=now + day))
    assert response.status_code == 200
    assert EssayTask.objects.count() == 0


def test_entry_list_hides_the_person_until_final(tree, task):
    registration = RegistrationFactory(contest=task.contest, unit=tree["A-1"])
    entry = Entry.objects.create(
        task=task,
        registration=registration,
        code="ABCD2345",
        status="submitted",
        submitted_at=timezone.now(),
        district=tree["A"],
        preliminary_mark=81,
    )
    client = login(make_organiser(tree["A"], "org_a"))
    url = reverse("admin:essays_entry_changelist")
    html = client.get(url).content.decode()
    name = registration.participant.full_name
    assert "ABCD2345" in html and "81" in html
    assert name not in html
    assert "(ẩn cho đến khi thành phố chốt điểm chung cuộc)" in html
    # A final mark while the city panel is open: judges can still change it, so still hidden.
    Entry.objects.filter(pk=entry.pk).update(final_mark=77, stage="final")
    city = Panel.objects.create(task=task, unit=tree["C"], stage="final", name="BGK thành phố")
    html = client.get(url).content.decode()
    assert name not in html and "(ẩn cho đến khi thành phố chốt điểm chung cuộc)" in html
    change = reverse("admin:essays_entry_change", args=[entry.pk])
    assert name not in client.get(change).content.decode()
    Panel.objects.filter(pk=city.pk).update(closed_at=timezone.now())
    html = client.get(url).content.decode()
    assert name in html and "Phường A1" in html
    assert name in client.get(change).content.decode()
    # Read only: no add, and no change form that saves.
    assert client.get(reverse("admin:essays_entry_add")).status_code == 403
    response = client.post(
        reverse("admin:essays_entry_change", args=[entry.pk]), {"final_mark": "100"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.final_mark == 77
