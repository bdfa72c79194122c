"""Answer-key fixes, the regrade they start, disqualification, and their admin pages."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from contests.models import Contest, ContestChange, Option
from scoring.models import AnswerKeyChange, Attempt, Disqualification, RegradeJob, Result
from scoring.selectors.results import ranking_for
from scoring.services.disqualification import disqualification_revoke, registration_disqualify
from scoring.services.grading import attempts_grade
from scoring.services.prediction import prediction_actual_compute
from scoring.services.regrade import answer_key_fix, regrade_job_run
from tests.scoring.grading_data import bank_contest, contest_questions, make_attempt, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, organisers):
    """Four people on a 10-question test whose last question's key is wrong. An answered it
    with the (wrong) key; Binh and Chi with the option that is really right; Dung never drew
    it. The contest's prediction (perfect participants) is computed."""
    contest = bank_contest(tree, questions=10, prediction_target="perfect_participants")
    questions = contest_questions(contest)
    q, _opts, key, really_right = questions[9]
    people = {
        n: register(contest, tree["A-1" if n != "chi" else "B-1"])
        for n in ("an", "binh", "chi", "dung")
    }
    make_attempt(people["an"], questions, correct=10, seconds=100, prediction=1)
    make_attempt(people["binh"], questions, correct=9, seconds=200, prediction=1)
    make_attempt(people["chi"], questions, correct=9, seconds=300, prediction=1)
    make_attempt(people["dung"], questions[:9], correct=9, seconds=50, prediction=1)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    prediction_actual_compute(contest=contest)  # two perfect participants: An and Dung
    return contest, people, q, key, really_right


def order(contest):
    return [e.registration_id for e in ranking_for(contest=contest).entries]


def test_a_key_fix_regrades_and_changes_results_and_rankings(
    setup, organisers, django_capture_on_commit_callbacks
):
    contest, people, q, key, really_right = setup
    assert order(contest) == [people[n].pk for n in ("an", "dung", "binh", "chi")]
    assert Contest.objects.get(pk=contest.pk).prediction_actual == 2

    with django_capture_on_commit_callbacks() as callbacks:
        job = answer_key_fix(
            question=q_obj(q), correct_option_ids=[str(really_right)], user=organisers["city"]
        )
    assert len(callbacks) == 1  # the regrade is queued after commit
    assert (job.status, job.total, job.done) == (RegradeJob.Status.QUEUED, 3, 0)
    assert set(
        Option.objects.filter(question_id=q, is_correct=True).values_list("id", flat=True)
    ) == {really_right}
    change = AnswerKeyChange.objects.get()
    assert (change.before, change.after, change.by, change.job) == (
        [key],
        [really_right],
        organisers["city"],
        job,
    )
    audit = ContestChange.objects.get(what="answer_key")
    assert audit.before == {"question": q, "correct_options": [key]}
    assert audit.after == {"question": q, "correct_options": [really_right]}

    job = regrade_job_run(job_id=job.pk, batch_size=2)

    assert (job.status, job.done, job.total, job.percent) == (RegradeJob.Status.DONE, 3, 3, 100)
    correct = {
        name: Result.objects.get(registration=people[name], round=None).correct_count
        for name in people
    }
    assert correct == {"an": 9, "binh": 10, "chi": 10, "dung": 9}
    # Binh and Chi are now ahead; among the 9s Dung (50 s) is faster than An (100 s).
    assert order(contest) == [people[n].pk for n in ("binh", "chi", "dung", "an")]
    # Perfect participants are now Binh, Chi and Dung: the true value and the errors follow.
    assert Contest.objects.get(pk=contest.pk).prediction_actual == 3
    assert set(Result.objects.values_list("prediction_error", flat=True)) == {2}
    # Running the job again changes nothing.
    assert regrade_job_run(job_id=job.pk).done == 3
    assert correct == {
        name: Result.objects.get(registration=people[name], round=None).correct_count
        for name in people
    }


def q_obj(question_id):
    from contests.models import Question

    return Question.objects.get(pk=question_id)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "Hãy chọn một hoặc nhiều phương án của chính câu hỏi này."),
        (["x"], "Phương án đúng không hợp lệ."),
        ("other question", "Hãy chọn một hoặc nhiều phương án của chính câu hỏi này."),
        ("same", "Đáp án không thay đổi."),
    ],
)
def test_bad_key_fixes_are_refused_and_change_nothing(setup, organisers, ids, message):
    contest, _people, q, key, _right = setup
    if ids == "other question":
        ids = [contest_questions(contest)[0][2]]
    elif ids == "same":
        ids = [key]
    with pytest.raises(ValidationError) as refused:
        answer_key_fix(question=q_obj(q), correct_option_ids=ids, user=organisers["city"])
    assert refused.value.messages == [message]
    assert (AnswerKeyChange.objects.count(), RegradeJob.objects.count()) == (0, 0)
    assert list(
        Option.objects.filter(question_id=q, is_correct=True).values_list("id", flat=True)
    ) == [key]


def test_a_district_cannot_fix_the_city_key(setup, organisers):
    _contest, _people, q, _key, right = setup
    with pytest.raises(PermissionDenied):
        answer_key_fix(question=q_obj(q), correct_option_ids=[right], user=organisers["a"])
    assert RegradeJob.objects.count() == 0


def test_disqualify_and_revoke_are_audited_and_reversible(setup, organisers):
    contest, people, *_rest = setup
    an = people["an"]
    decision = registration_disqualify(
        registration=an, reason_code="cheating", note=" Nhờ người thi hộ ", user=organisers["a"]
    )
    assert (decision.reason_code, decision.note, decision.created_by) == (
        "cheating",
        "Nhờ người thi hộ",
        organisers["a"],
    )
    assert an.pk not in order(contest)
    with pytest.raises(ValidationError) as again:
        registration_disqualify(registration=an, reason_code="other", user=organisers["a"])
    assert again.value.messages == ["Người dự thi này đã bị truất quyền."]

    disqualification_revoke(disqualification=decision, note="Đã xác minh", user=organisers["city"])
    assert (decision.revoked_by, decision.revoke_note) == (organisers["city"], "Đã xác minh")
    assert order(contest)[0] == an.pk
    with pytest.raises(ValidationError) as twice:
        disqualification_revoke(disqualification=decision, user=organisers["city"])
    assert twice.value.messages == ["Quyết định truất quyền này đã được huỷ trước đó."]

    # A second decision after the revoke is a new row; the history keeps both.
    registration_disqualify(registration=an, reason_code="duplicate", user=organisers["a"])
    assert Disqualification.objects.filter(registration=an).count() == 2
    assert list(ContestChange.objects.order_by("id").values_list("what", flat=True)) == [
        "disqualified",
        "disqualification_revoked",
        "disqualified",
    ]


def test_disqualification_refusals(setup, organisers):
    _contest, people, *_rest = setup
    with pytest.raises(ValidationError) as bad:
        registration_disqualify(registration=people["an"], reason_code="nope", user=organisers["a"])
    assert bad.value.messages == ["Lý do truất quyền không hợp lệ."]
    with pytest.raises(PermissionDenied):  # Chi lives in district B
        registration_disqualify(
            registration=people["chi"], reason_code="other", user=organisers["a"]
        )
    assert Disqualification.objects.count() == 0


# --- Admin pages -------------------------------------------------------------------------------


def login(user):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_answer_key_page_starts_a_regrade_and_shows_progress(setup, organisers):
    contest, _people, q, key, right = setup
    root = organisers["root"]
    client = login(root)
    url = reverse("admin:scoring_answer_key_fix", args=[q])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lưu đáp án và chấm lại" in page.content.decode()

    same = client.post(url, {"correct": [str(key)]})
    assert same.status_code == 400
    assert "Đáp án không thay đổi." in same.content.decode()
    assert RegradeJob.objects.count() == 0

    done = client.post(url, {"correct": [str(right)]})
    job = RegradeJob.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:scoring_regrade_progress", args=[job.pk])
    progress = client.get(done["Location"])
    assert progress.status_code == 200
    text = progress.content.decode()
    assert "Đã chấm lại 0/3 bài thi (0%)." in text
    assert 'http-equiv="refresh"' in text

    regrade_job_run(job_id=job.pk)
    text = client.get(done["Location"]).content.decode()
    assert "Đã chấm lại 3/3 bài thi (100%)." in text
    assert 'http-equiv="refresh"' not in text


def test_admin_pages_are_scoped(setup, organisers):
    contest, people, q, _key, right = setup
    job = answer_key_fix(question=q_obj(q), correct_option_ids=[right], user=organisers["root"])
    district = organisers["a"]
    grant(
        district,
        "view_regradejob",
        "change_question",
        "view_disqualification",
        "add_disqualification",
        "change_disqualification",
    )
    client = login(district)
    # The city's contest is outside district A: its question and its job are not found.
    assert client.get(reverse("admin:scoring_answer_key_fix", args=[q])).status_code == 404
    assert client.get(reverse("admin:scoring_regrade_progress", args=[job.pk])).status_code == 404

    add = reverse("admin:scoring_disqualification_add")
    refused = client.post(
        add, {"registration": people["chi"].pk, "reason_code": "other", "note": ""}
    )
    assert refused.status_code == 200  # the form again, with the error
    assert Disqualification.objects.count() == 0
    created = client.post(
        add, {"registration": people["an"].pk, "reason_code": "cheating", "note": "x"}
    )
    assert created.status_code == 302
    decision = Disqualification.objects.get()
    assert (decision.registration, decision.created_by) == (people["an"], district)
    again = client.post(add, {"registration": people["an"].pk, "reason_code": "other", "note": ""})
    assert "Người dự thi này đã bị truất quyền." in again.content.decode()

    changelist = reverse("admin:scoring_disqualification_changelist")
    revoked = client.post(changelist, {"action": "revoke", "_selected_action": [decision.pk]})
    assert revoked.status_code == 302
    decision.refresh_from_db()
    assert decision.revoked_by == district


def test_a_regrade_runs_in_slices_and_resumes_after_the_last_batch(setup, organisers):
    _contest, people, q, _key, right = setup
    job = answer_key_fix(question=q_obj(q), correct_option_ids=[right], user=organisers["city"])
    affected = sorted(
        Attempt.objects.exclude(registration=people["dung"]).values_list("id", flat=True)
    )
    steps = []
    while job.status != RegradeJob.Status.DONE:
        job = regrade_job_run(job_id=job.pk, batch_size=1, time_budget_s=0)
        steps.append((job.status, job.done, job.last_attempt_id))
    assert steps == [
        (RegradeJob.Status.RUNNING, 1, affected[0]),
        (RegradeJob.Status.RUNNING, 2, affected[1]),
        (RegradeJob.Status.RUNNING, 3, affected[2]),
        (RegradeJob.Status.DONE, 3, affected[2]),
    ]
    assert Result.objects.get(registration=people["binh"], round=None).correct_count == 10
