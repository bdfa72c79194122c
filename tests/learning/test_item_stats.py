"""Item statistics against a direct recount over hand-made attempts; the SQL (PostgreSQL) and
plain-Python (SQLite demo) paths give the same figures; the admin pages' scoping, key and bad
input; the Excel workbook read back by LibreOffice."""

from __future__ import annotations

import datetime
import io
import math
import random
import statistics
import subprocess
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests.models import Option, Question
from learning.models import ItemStat, ItemStatsRun, OptionStat, TopicUnitStat
from learning.services import item_stats as service
from scoring.models import Attempt
from scoring.services.grading import answer_key_load, attempt_grade_values
from tests.factories import RegistrationFactory, contest_with_bank

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2025, 9, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _attempt(registration, contest, number, items, answers, key, status="graded"):
    correct, score, ms, perfect = attempt_grade_values(
        items=items,
        answers=answers,
        question_count=len(items),
        started_at=NOON,
        deadline=NOON + datetime.timedelta(minutes=20),
        finished_at=NOON + datetime.timedelta(minutes=5),
        key=key,
    )
    return Attempt.objects.create(
        registration=registration,
        contest=contest,
        number=number,
        status=status,
        items=items,
        answers=answers,
        started_at=NOON,
        deadline=NOON + datetime.timedelta(minutes=20),
        finished_at=NOON + datetime.timedelta(minutes=5),
        correct_count=correct if status == "graded" else None,
        question_count=len(items),
        score=score if status == "graded" else None,
        duration_ms=ms,
        all_correct=perfect,
        graded_at=timezone.now() if status == "graded" else None,
    )


@pytest.fixture
def world(tree):
    """A city contest of 2 topics × 3 questions; 40 people in wards A-1, A-2 and B-1, one
    graded attempt each drawing 5 of the 6 questions. Ability rises with the person's number;
    question 3 is planted as mis-keyed-looking (the strong choose option 2, a wrong one);
    one in ten answers is left blank, a few are digit strings. Plus an attempt still being
    graded and one of another contest, which must not count."""
    contest = contest_with_bank(
        owner=tree["C"], root=tree["C"], topics=2, per_topic=3, draw_per_topic=3
    )
    questions = list(Question.objects.filter(contest=contest).order_by("topic__name", "id"))
    options = {
        q.pk: list(
            Option.objects.filter(question=q).order_by("position").values_list("id", flat=True)
        )
        for q in questions
    }
    key = answer_key_load(question_ids=options)
    difficulty = [0.2, 0.5, 0.4, 0.9, 0.6, 0.3]
    rng = random.Random(18)
    wards = [tree["A-1"], tree["A-2"], tree["B-1"]]
    for i in range(40):
        registration = RegistrationFactory(contest=contest, unit=wards[i % 3])
        ability = i / 39
        left_out = i % 6
        items, answers = [], {}
        for j, q in enumerate(questions):
            if j == left_out:
                continue
            items.append({"q": q.pk, "o": options[q.pk]})
            if rng.random() < 0.1:
                continue  # unanswered
            if j == 2 and ability > 0.6:
                choice = options[q.pk][1] if rng.random() < 0.8 else options[q.pk][0]
            elif rng.random() < min(1.0, max(0.0, ability + 0.6 - difficulty[j])):
                choice = options[q.pk][0]
            else:
                choice = rng.choice(options[q.pk][1:])
            answers[str(q.pk)] = str(choice) if i % 7 == 0 else choice
        _attempt(registration, contest, 1, items, answers, key)
    late = RegistrationFactory(contest=contest, unit=tree["A-1"])
    _attempt(late, contest, 1, items, answers, key, status="submitted")
    other = contest_with_bank(owner=tree["C"], root=tree["C"], topics=1, per_topic=3)
    other_q = list(Question.objects.filter(contest=other))
    other_items = [{"q": q.pk, "o": [o.pk for o in q.options.all()]} for q in other_q]
    _attempt(
        RegistrationFactory(contest=other, unit=tree["B-1"]),
        other,
        1,
        other_items,
        {},
        answer_key_load(question_ids=[q.pk for q in other_q]),
    )
    return {"contest": contest, "questions": questions, "options": options}


def recount(contest):
    """An independent recount over the raw rows: sort the attempts, take the 27 % by rank,
    correlate with statistics.correlation."""
    attempts = list(
        Attempt.objects.filter(contest=contest, status="graded").values(
            "items", "answers", "correct_count", "registration__unit_id"
        )
    )
    key = defaultdict(set)
    topic_of = dict(Question.objects.filter(contest=contest).values_list("id", "topic_id"))
    for option_id, q in Option.objects.filter(
        question__contest=contest, is_correct=True
    ).values_list("id", "question_id"):
        key[q].add(option_id)
    scores = sorted((a["correct_count"] for a in attempts), reverse=True)
    k = math.ceil(len(scores) * 0.27)
    upper_min, lower_max = scores[k - 1], sorted(scores)[k - 1]
    xs, rs = defaultdict(list), defaultdict(list)
    answered = defaultdict(int)
    chosen = defaultdict(lambda: [0, 0, 0])
    topic_units = defaultdict(lambda: [0, 0, 0])
    for a in attempts:
        c = a["correct_count"]
        for item in a["items"]:
            q = item["q"]
            raw = a["answers"].get(str(q))
            option = int(raw) if raw is not None else None
            x = int(option in key[q])
            xs[q].append(x)
            rs[q].append(c - x)
            tu = topic_units[(a["registration__unit_id"], topic_of[q])]
            tu[0] += 1
            tu[2] += x
            if option is not None:
                answered[q] += 1
                tu[1] += 1
                chosen[(q, option)][0] += 1
                chosen[(q, option)][1] += c >= upper_min
                chosen[(q, option)][2] += c <= lower_max
    items = {}
    for q in xs:
        items[q] = {
            "drawn": len(xs[q]),
            "answered": answered[q],
            "correct": sum(xs[q]),
            "facility": sum(xs[q]) / len(xs[q]),
            "discrimination": statistics.correlation(xs[q], rs[q]),
        }
    return {
        "groups": (upper_min, lower_max),
        "items": items,
        "chosen": {k: tuple(v) for k, v in chosen.items()},
        "topic_units": {k: tuple(v) for k, v in topic_units.items()},
        "count": len(attempts),
    }


def stored(contest):
    items = {
        s.question_id: {
            "drawn": s.drawn,
            "answered": s.answered,
            "correct": s.correct,
            "facility": s.facility,
            "discrimination": s.discrimination,
        }
        for s in ItemStat.objects.filter(contest=contest)
    }
    chosen = {
        (o.item.question_id, o.option_id): (o.chosen, o.chosen_upper, o.chosen_lower)
        for o in OptionStat.objects.filter(item__contest=contest).select_related("item")
        if o.chosen
    }
    topic_units = {
        (t.unit_id, t.topic_id): (t.drawn, t.answered, t.correct)
        for t in TopicUnitStat.objects.filter(contest=contest)
    }
    return items, chosen, topic_units


def assert_matches_recount(contest, count=40):
    expected = recount(contest)
    items, chosen, topic_units = stored(contest)
    assert set(items) == set(expected["items"])
    for q, want in expected["items"].items():
        got = items[q]
        for field in ("drawn", "answered", "correct"):
            assert got[field] == want[field], (q, field)
        assert got["facility"] == pytest.approx(want["facility"], abs=1e-12)
        assert got["discrimination"] == pytest.approx(want["discrimination"], abs=1e-12)
    assert chosen == expected["chosen"]
    assert topic_units == expected["topic_units"]
    run = ItemStatsRun.objects.filter(contest=contest).order_by("-finished_at", "-pk").first()
    assert (run.upper_min, run.lower_max) == expected["groups"]
    assert run.attempts_counted == expected["count"] == count
    assert run.finished_at is not None


@pytest.mark.sqlite
def test_python_path_matches_a_direct_recount(world):
    service.item_stats_recompute(contest=world["contest"], use_sql=False)
    assert_matches_recount(world["contest"])


def test_sql_path_matches_a_direct_recount_and_the_python_path(world):
    contest = world["contest"]
    via_sql = service.item_figures_compute(contest_id=contest.pk, use_sql=True)
    via_python = service.item_figures_compute(contest_id=contest.pk, use_sql=False)
    # Identical numbers, to the last bit: the same integer sums through the same rules.
    assert via_sql == via_python
    service.item_stats_recompute(contest=contest, use_sql=True)
    assert_matches_recount(contest)


def test_planted_question_is_flagged_and_every_figure_is_replaced_on_recompute(world):
    contest, questions = world["contest"], world["questions"]
    service.item_stats_recompute(contest=contest)
    planted = ItemStat.objects.get(contest=contest, question=questions[2])
    assert "miskeyed" in planted.flags
    assert planted.drawn >= 20
    # The key is fixed to option 2 (and the attempts regraded): the flag goes.
    Option.objects.filter(question=questions[2]).update(is_correct=False)
    Option.objects.filter(pk=world["options"][questions[2].pk][1]).update(is_correct=True)
    key = answer_key_load(question_ids=world["options"])
    for attempt in Attempt.objects.filter(contest=contest, status="graded"):
        correct, *_rest = attempt_grade_values(
            items=attempt.items,
            answers=attempt.answers,
            question_count=attempt.question_count,
            started_at=attempt.started_at,
            deadline=attempt.deadline,
            finished_at=attempt.finished_at,
            key=key,
        )
        Attempt.objects.filter(pk=attempt.pk).update(correct_count=correct)
    ItemStatsRun.objects.all().delete()
    service.item_stats_recompute(contest=contest)
    assert "miskeyed" not in ItemStat.objects.get(contest=contest, question=questions[2]).flags
    assert ItemStat.objects.filter(contest=contest).count() == 6
    assert_matches_recount(contest)


def _more_attempts(world, tree, count, seed):
    """`count` more graded attempts (graded now, after any earlier run) in wards A-1 and B-1."""
    contest, questions, options = world["contest"], world["questions"], world["options"]
    key = answer_key_load(question_ids=options)
    rng = random.Random(seed)
    for i in range(count):
        registration = RegistrationFactory(contest=contest, unit=tree["A-1" if i % 2 else "B-1"])
        items = [{"q": q.pk, "o": options[q.pk]} for q in rng.sample(questions, 5)]
        answers = {str(item["q"]): rng.choice(item["o"]) for item in items if rng.random() < 0.9}
        _attempt(registration, contest, 1, items, answers, key)


@pytest.mark.parametrize("use_sql", [True, pytest.param(False, marks=pytest.mark.sqlite)])
def test_a_run_continues_from_the_previous_one_exactly(world, tree, use_sql):
    contest = world["contest"]
    first = service.item_stats_recompute(contest=contest, use_sql=use_sql)
    assert not first.incremental and first.graded_until is not None
    _more_attempts(world, tree, 12, seed=1)
    second = service.item_stats_recompute(contest=contest, use_sql=use_sql)
    # Only the 12 new attempts were read, and every figure is the full recount's.
    assert second.incremental and second.attempts_counted == 52
    assert_matches_recount(contest, count=52)
    full = service.item_figures_compute(contest_id=contest.pk, use_sql=use_sql)
    continued = service.item_stats_compute(contest_id=contest.pk, use_sql=use_sql)
    assert continued.incremental and continued.figures == full
    # Nothing new: the next run continues and changes nothing.
    third = service.item_stats_recompute(contest=contest, use_sql=use_sql)
    assert third.incremental
    assert_matches_recount(contest, count=52)


def test_a_regraded_attempt_makes_the_next_run_read_everything(world, tree):
    contest = world["contest"]
    service.item_stats_recompute(contest=contest)
    _more_attempts(world, tree, 5, seed=2)
    # A regrade moves graded_at past the previous run's mark (scoring's attempts_grade): the
    # attempt would be counted twice; its correct count changes too.
    regraded = Attempt.objects.filter(contest=contest).order_by("pk").first()
    Attempt.objects.filter(pk=regraded.pk).update(
        graded_at=timezone.now(), correct_count=regraded.correct_count
    )
    run = service.item_stats_recompute(contest=contest)
    assert not run.incremental
    assert_matches_recount(contest, count=45)


def test_a_late_grading_before_the_mark_makes_the_next_run_read_everything(world, tree):
    contest = world["contest"]
    first = service.item_stats_recompute(contest=contest)
    _more_attempts(world, tree, 3, seed=3)
    # Graded before the mark but committed after the run read: never counted so far.
    Attempt.objects.filter(contest=contest).order_by("-pk").filter(
        pk=Attempt.objects.filter(contest=contest).order_by("-pk").first().pk
    ).update(graded_at=first.graded_until - datetime.timedelta(seconds=1))
    run = service.item_stats_recompute(contest=contest)
    assert not run.incremental
    assert_matches_recount(contest, count=43)


def test_a_key_or_topic_change_makes_the_next_run_read_everything(world, tree):
    contest, questions = world["contest"], world["questions"]
    service.item_stats_recompute(contest=contest)
    other_topic = questions[-1].topic_id
    Question.objects.filter(pk=questions[0].pk).update(topic_id=other_topic)
    _more_attempts(world, tree, 2, seed=4)
    run = service.item_stats_recompute(contest=contest)
    assert not run.incremental
    assert_matches_recount(contest, count=42)
    assert service.item_stats_recompute(contest=contest).incremental


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        ("١٢", None),
        ("1.5", None),
        (1.5, None),
        (True, None),
        (None, None),
        ([12], None),
        ("", None),
        (-1, None),
    ],
)
def test_answer_option(value, expected):
    assert service.answer_option(value) == expected


def test_a_second_request_while_one_runs_is_refused(world):
    contest = world["contest"]
    service.item_stats_request(contest=contest)
    with pytest.raises(service.RecomputeRefused) as refused:
        service.item_stats_request(contest=contest)
    assert refused.value.message == (
        "Thống kê câu hỏi của cuộc thi này đang được tính, hãy chờ lần tính đó xong."
    )
    assert ItemStatsRun.objects.filter(contest=contest).count() == 1


# --- admin pages -----------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def computed(world):
    service.item_stats_recompute(contest=world["contest"])
    return world


def test_recompute_button_runs_the_task_after_commit(
    world, organisers, django_capture_on_commit_callbacks
):
    from contest_site.celery import app

    contest = world["contest"]
    app.conf.task_always_eager = True  # as in the demo: the task runs inline after commit
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(organisers["city"]).post(
                reverse("admin:learning_itemstatsrun_add"), {"contest": contest.pk}
            )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302
    run = ItemStatsRun.objects.get(contest=contest)
    assert run.finished_at is not None and run.attempts_counted == 40
    assert ItemStat.objects.filter(contest=contest).count() == 6
    # A district takes part in the city's contest but does not own it: not in its choices.
    response = client_for(organisers["a"]).post(
        reverse("admin:learning_itemstatsrun_add"), {"contest": contest.pk}
    )
    assert response.status_code == 400
    assert "Cuộc thi không có trong danh sách cuộc thi bạn quản lý." in response.content.decode()
    assert ItemStatsRun.objects.count() == 1


def test_question_table_for_the_owner_side_with_the_key_marked(computed, organisers):
    contest, questions = computed["contest"], computed["questions"]
    url = reverse("admin:learning_itemstatsrun_questions", args=[contest.pk])
    for who in ("city", "root"):
        page = client_for(organisers[who]).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Có thể sai đáp án" in html
        assert html.count("✓") == 6  # one key mark per question
        assert "Thời gian làm từng câu (trung vị) không có" in html
    # Districts see the contest (they take part) but never its key or option counts.
    assert client_for(organisers["a"]).get(url).status_code == 404
    only = client_for(organisers["city"]).get(url, {"flag": "miskeyed"}).content.decode()
    assert f'id="question-{questions[2].pk}"' in only
    assert f'id="question-{questions[0].pk}"' not in only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"flag": "<script>"}, "Loại cảnh báo không hợp lệ."),
        ({"topic": "abc"}, "Chủ đề không thuộc cuộc thi này."),
        ({"topic": "999999999"}, "Chủ đề không thuộc cuộc thi này."),
    ],
)
def test_bad_filters_answer_400_in_vietnamese(computed, organisers, query, message):
    url = reverse("admin:learning_itemstatsrun_questions", args=[computed["contest"].pk])
    response = client_for(organisers["city"]).get(url, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_topics_per_unit_scoped_to_the_organisers_subtree(computed, organisers, tree):
    contest = computed["contest"]
    url = reverse("admin:learning_itemstatsrun_topics", args=[contest.pk])
    html = client_for(organisers["a"]).get(url).content.decode()
    assert "Phường A1" in html and "Phường A2" in html
    assert "Phường B1" not in html
    assert "Ba chủ đề yếu nhất" in html and "<svg" in html
    # District A asking for district B's unit: refused, nothing of B shown.
    response = client_for(organisers["a"]).get(url, {"unit": "B"})
    assert response.status_code == 400
    assert "Phường B1" not in response.content.decode()
    # The city drills down from its blocks to district B's wards.
    city = client_for(organisers["city"]).get(url, {"unit": "B"}).content.decode()
    assert "Phường B1" in city
    ward_b = TopicUnitStat.objects.filter(contest=contest, unit=tree["B-1"])
    assert sum(t.drawn for t in ward_b) == 13 * 5  # 13 of the 40 people, 5 questions each


def test_export_read_back_with_libreoffice(computed, organisers, soffice_path, tmp_path):
    contest = computed["contest"]
    url = reverse("admin:learning_itemstatsrun_export", args=[contest.pk])
    response = client_for(organisers["city"]).get(url, {"unit": "A"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Câu hỏi", "Phương án", "Chủ đề theo đơn vị"]
    assert book["Câu hỏi"].max_row == 7
    source = tmp_path / "thong-ke.xlsx"
    source.write_bytes(response.content)
    subprocess.run(
        [
            soffice_path,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    topics_csv = (tmp_path / "thong-ke-Chủ đề theo đơn vị.csv").read_text(encoding="utf-8")
    lines = topics_csv.strip().splitlines()
    assert lines[0].startswith("Đơn vị,Mã đơn vị,Chủ đề,Số lượt ra đề")
    # District A itself, then its two wards: 2 topics each.
    assert [line.split(",")[1] for line in lines[1:]] == ["A", "A", "A-1", "A-1", "A-2", "A-2"]
    a_rows = TopicUnitStat.objects.filter(contest=contest, unit__code__in=["A-1", "A-2"])
    assert sum(int(line.split(",")[3]) for line in lines[1:3]) == sum(t.drawn for t in a_rows)
    # A district's workbook has no question sheets (option counts give the key away).
    district = client_for(organisers["a"]).get(url)
    assert load_workbook(io.BytesIO(district.content)).sheetnames == ["Chủ đề theo đơn vị"]


@pytest.fixture
def soffice_path():
    import os
    import shutil

    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("LibreOffice is required here (REQUIRE_BROWSER=1) but is not installed")
        pytest.skip("LibreOffice is not installed: spreadsheet check skipped")
    return path
