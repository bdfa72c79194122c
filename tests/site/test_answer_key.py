"""The answer key (correct options, explanations, legal references) leaves the server only to
the owning unit's organisers and superusers (contests.access.answer_key_visible_to), or to a
participant whose graded attempt the review policy lets see it (review_allowed).

A role × path matrix: anonymous, a citizen, a ward organiser inside district A (a child unit),
district A and district B (both take part in the city's contest, read only), the city that owns
it, and a superuser; every path that could show the key: the question admin (list, change,
Excel export), the "Xem thử đề" preview, the read-only contest page, the answer-key fix page,
attempt admin pages, the reports dashboard, the question-bank export (create, run, download),
and the participant's result page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests.access import answer_key_visible_to
from contests.models import Contest, Option, Question
from reports.models import ExportJob
from reports.services.exports import (
    export_job_create,
    export_job_downloadable,
    export_job_run,
)
from scoring.models import Attempt
from scoring.selectors.attempts import attempt_review, review_allowed
from tests.conftest import make_organiser
from tests.factories import ContestFactory, RegistrationFactory, TopicFactory, UserFactory

QUESTION = "Câu hỏi bí mật của thành phố?"
CORRECT = "Phương án đúng bí mật"
WRONG = "Phương án nhiễu"
EXPLANATION = "Giải thích bí mật của đáp án"
REFERENCE = "Điều 99 Nghị định bí mật"
SECRETS = (CORRECT, EXPLANATION, REFERENCE)

ROLES = ("anonymous", "citizen", "ward", "a", "b", "city", "root")
OWNER_SIDE = {"city", "root"}
TAKING_PART = {"ward", "a", "b"}  # see the city's contest read only
NOT_STAFF = {"anonymous", "citizen"}

KEY_REFUSED = (
    "Ngân hàng câu hỏi kèm đáp án chỉ dành cho đơn vị tổ chức cuộc thi: bạn không xuất được "
    "tệp này."
)


@pytest.fixture
def people(organisers, tree):
    return {
        **organisers,
        "ward": make_organiser(tree["A-1"], "ward_a1"),
        "citizen": UserFactory(username="citizen"),
        "anonymous": None,
    }


@pytest.fixture
def city_contest(tree):
    """The city's contest, open now, every unit taking part; one question with a key."""
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], title="Cuộc thi của thành phố"
    )
    topic = TopicFactory(contest=contest, name="Định danh điện tử")
    question = Question.objects.create(
        contest=contest,
        topic=topic,
        text=QUESTION,
        explanation=EXPLANATION,
        legal_reference=REFERENCE,
    )
    Option.objects.create(question=question, position=1, text=WRONG, is_correct=False)
    Option.objects.create(question=question, position=2, text=CORRECT, is_correct=True)
    from contests.models import BlueprintItem

    BlueprintItem.objects.create(contest=contest, topic=topic, count=1)
    return contest


def client_for(people, role) -> Client:
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    return client


def body(response) -> str:
    return response.content.decode()


def assert_no_key(response, role, path):
    html = body(response)
    for secret in SECRETS:
        assert secret not in html, (role, path, secret)


def assert_to_login(response, role, path):
    assert response.status_code == 302, (role, path)
    assert "dang-nhap" in response["Location"] or "login" in response["Location"], (role, path)


# --- The one rule ---------------------------------------------------------------------------


def test_answer_key_visible_to_per_role(people, city_contest, tree):
    expected = {role: role in OWNER_SIDE for role in ROLES}
    actual = {
        role: answer_key_visible_to(user=people[role] or AnonymousUser(), contest=city_contest)
        for role in ROLES
    }
    assert actual == expected
    # District A's own contest: A and the city (and the superuser) hold its key; not the ward
    # below it, not B.
    own = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    actual = {
        role: answer_key_visible_to(user=people[role] or AnonymousUser(), contest=own)
        for role in ROLES
    }
    assert actual == {**expected, "a": True}
    # A deactivated owner, or an owner whose staff status was taken away, holds nothing.
    people["city"].is_active = False
    assert answer_key_visible_to(user=people["city"], contest=city_contest) is False
    people["city"].is_active, people["city"].is_staff = True, False
    assert answer_key_visible_to(user=people["city"], contest=city_contest) is False


# --- Admin pages ----------------------------------------------------------------------------


def test_question_admin_pages(people, city_contest):
    question = city_contest.questions.get()
    pages = {
        "list": reverse("admin:contests_question_changelist"),
        "change": reverse("admin:contests_question_change", args=[question.pk]),
        "history": reverse("admin:contests_question_history", args=[question.pk]),
    }
    for role in ROLES:
        client = client_for(people, role)
        for name, url in pages.items():
            response = client.get(url)
            if role in NOT_STAFF:
                assert_to_login(response, role, name)
            elif role in OWNER_SIDE:
                assert response.status_code == 200, (role, name)
                if name != "history":
                    assert QUESTION in body(response), (role, name)
                if name == "change":
                    html = body(response)
                    for secret in SECRETS:
                        assert secret in html, (role, secret)
                    # The correct option's box is ticked.
                    assert 'name="options-1-is_correct" id="id_options-1-is_correct" checked' in (
                        html
                    )
            else:
                expected = 200 if name == "list" else 404
                assert response.status_code == expected, (role, name)
                assert QUESTION not in body(response), (role, name)
                assert_no_key(response, role, name)


def test_question_bank_excel_from_admin(people, city_contest):
    url = reverse("admin:contests_question_export") + f"?contest={city_contest.pk}"
    for role in ROLES:
        response = client_for(people, role).get(url)
        if role in NOT_STAFF:
            assert_to_login(response, role, "export")
        elif role in OWNER_SIDE:
            assert response.status_code == 200, role
            sheet = load_workbook(io.BytesIO(response.content))["Câu hỏi"]
            row = [c.value for c in sheet[2]]
            assert row[:4] == ["Định danh điện tử", QUESTION, WRONG, CORRECT], role
            assert "B" in row and EXPLANATION in row and REFERENCE in row, role
        else:
            # They see the contest (read only): refused, not "no such contest".
            assert response.status_code == 403, role
            assert_no_key(response, role, "export")
    # The import page and the template are refused the same way.
    for name in ("contests_question_import", "contests_question_template"):
        url = reverse(f"admin:{name}") + f"?contest={city_contest.pk}"
        if name == "contests_question_import":
            response = client_for(people, "a").post(url, {"contest": city_contest.pk})
        else:
            response = client_for(people, "a").get(url)
        assert response.status_code == 403, name
    assert Question.objects.filter(contest=city_contest).count() == 1


def test_preview_of_a_drawn_test(people, city_contest):
    url = reverse("admin:contests_contest_preview", args=[city_contest.pk])
    for role in ROLES:
        response = client_for(people, role).get(url)
        if role in NOT_STAFF:
            assert_to_login(response, role, "preview")
        elif role in OWNER_SIDE:
            assert response.status_code == 200, role
            assert f"{CORRECT} ✓ (đáp án đúng)" in body(response), role
            assert EXPLANATION in body(response) and REFERENCE in body(response), role
        else:
            assert response.status_code == 403, role
            assert QUESTION not in body(response), role
            assert_no_key(response, role, "preview")


def test_read_only_contest_page_shows_no_key(people, city_contest):
    url = reverse("admin:contests_contest_change", args=[city_contest.pk])
    for role in TAKING_PART | OWNER_SIDE:
        response = client_for(people, role).get(url)
        assert response.status_code == 200, role
        assert_no_key(response, role, "contest")
        assert QUESTION not in body(response), role
        preview_link = reverse("admin:contests_contest_preview", args=[city_contest.pk])
        assert (preview_link in body(response)) is (role in OWNER_SIDE), role


def test_answer_key_fix_page(people, city_contest):
    question = city_contest.questions.get()
    url = reverse("admin:scoring_answer_key_fix", args=[question.pk])
    for role in ROLES:
        response = client_for(people, role).get(url)
        if role in NOT_STAFF:
            assert_to_login(response, role, "fix")
        elif role in OWNER_SIDE:
            assert response.status_code == 200, role
            assert f"2. {CORRECT}" in body(response), role
        else:
            assert response.status_code == 404, role
            assert_no_key(response, role, "fix")


def test_attempt_admin_hides_answers_outside_the_owner_side(people, city_contest, tree):
    """A perfect attempt's chosen options are the key (as ids): a district sees its residents'
    attempts, scores and times, not what was drawn and chosen."""
    question = city_contest.questions.get()
    correct = question.options.get(is_correct=True)
    registration = RegistrationFactory(contest=city_contest, unit=tree["A-1"])
    attempt = graded_attempt(registration, question, chosen=correct.pk)
    url = reverse("admin:scoring_attempt_change", args=[attempt.pk])
    for role in ("ward", "a", "city", "root"):
        response = client_for(people, role).get(url)
        assert response.status_code == 200, role
        html = body(response)
        assert "field-result_text" in html, role
        # The answer sheet (questions, chosen and correct options) only on the owner side.
        assert ("field-answer_sheet" in html) is (role in OWNER_SIDE), role
        assert ("answer-sheet__option--correct" in html) is (role in OWNER_SIDE), role
        assert ("đáp án đúng</span>" in html) is (role in OWNER_SIDE), role
    assert client_for(people, "b").get(url).status_code == 404  # not B's resident


# --- Reports ----------------------------------------------------------------------------------


def test_dashboard_offers_the_question_bank_to_the_owner_side_only(people, city_contest):
    url = reverse("reports:dashboard", args=[city_contest.slug])
    button = '<input type="hidden" name="kind" value="questions">'
    for role in ROLES:
        response = client_for(people, role).get(url)
        if role in NOT_STAFF:
            assert_to_login(response, role, "dashboard")
            continue
        assert response.status_code == 200, role
        html = body(response)
        assert (button in html) is (role in OWNER_SIDE), role
        assert ("Ngân hàng câu hỏi</button>" in html) is (role in OWNER_SIDE), role
        assert '<input type="hidden" name="kind" value="summary">' in html, role


def test_question_bank_export_job_per_role(people, city_contest, tree):
    url = reverse("reports:export_create", args=[city_contest.slug])
    units = {"ward": "A-1", "a": "A", "b": "B", "city": "C", "root": "C"}
    for role in ROLES:
        before = ExportJob.objects.count()
        data = {"kind": "questions", "unit": units.get(role, "C")}
        response = client_for(people, role).post(url, data, follow=role not in NOT_STAFF)
        if role in NOT_STAFF:
            assert_to_login(response, role, "export")
            assert ExportJob.objects.count() == before, role
        elif role in OWNER_SIDE:
            job = ExportJob.objects.get(owner=people[role])
            assert (job.kind, job.contest, job.status) == ("questions", city_contest, "pending")
        else:
            assert ExportJob.objects.count() == before, role
            assert response.status_code == 200, role
            messages = [str(m) for m in response.context["messages"]]
            assert messages == [KEY_REFUSED], role
    # The service says the same to any caller.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied) as refused:
        export_job_create(user=people["a"], contest=city_contest, kind="questions")
    assert str(refused.value) == KEY_REFUSED
    # Every other kind is still theirs (within their subtree).
    job = export_job_create(user=people["a"], contest=city_contest, kind="summary")
    assert job.unit == tree["A"]


def test_question_bank_job_runs_and_downloads_for_the_owner_side_only(
    people, city_contest, tree, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = export_job_create(user=people["city"], contest=city_contest, kind="questions")
    job = export_job_run(job_id=job.pk)
    assert job.status == "done"
    with job.file.open("rb") as handle:
        values = [c.value for c in load_workbook(handle)["Câu hỏi"][2]]
    assert CORRECT in values and EXPLANATION in values and REFERENCE in values
    url = reverse("reports:export_download", args=[job.pk])
    for role in ("city", "root"):
        response = client_for(people, role).get(url)
        assert response.status_code == 200, role
        assert response["Content-Disposition"].startswith("attachment"), role
    for role in TAKING_PART:
        assert client_for(people, role).get(url).status_code == 404, role

    # A job asked for by a district before this rule (or by an account that lost the right):
    # it is not run, and never downloadable, even by its owner.
    old = ExportJob.objects.create(
        owner=people["a"], kind="questions", contest=city_contest, unit=tree["A"]
    )
    old = export_job_run(job_id=old.pk)
    assert (old.status, old.error, bool(old.file)) == ("failed", KEY_REFUSED, False)
    old.status, old.file = "done", job.file.name
    old.save()
    assert export_job_downloadable(user=people["a"], job=old) is False
    response = client_for(people, "a").get(reverse("reports:export_download", args=[old.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_detail", args=[old.pk])


# --- The participant's side: the review policy ------------------------------------------------


def graded_attempt(registration, question, *, chosen, status="graded"):
    now = timezone.now()
    options = list(question.options.order_by("position").values_list("pk", flat=True))
    correct = question.options.get(is_correct=True).pk == chosen
    return Attempt.objects.create(
        registration=registration,
        contest=registration.contest,
        number=1,
        status=status,
        items=[{"q": question.pk, "o": options}],
        answers={str(question.pk): chosen},
        started_at=now - datetime.timedelta(minutes=5),
        deadline=now + datetime.timedelta(minutes=15),
        finished_at=now,
        submitted_at=now,
        question_count=1,
        correct_count=int(correct) if status == "graded" else None,
        score=Decimal(int(correct)) if status == "graded" else None,
        duration_ms=300_000,
        all_correct=correct and status == "graded",
        graded_at=now if status == "graded" else None,
    )


@pytest.mark.parametrize(
    ("content", "timing", "closed", "status", "shows", "explains"),
    [
        ("score", "immediately", True, "graded", False, False),
        ("answers", "immediately", False, "graded", True, False),
        ("explanations", "immediately", False, "graded", True, True),
        ("explanations", "after_contest", False, "graded", False, False),
        ("explanations", "after_contest", True, "graded", True, True),
        ("answers", "after_round", True, "graded", True, False),  # no round: the contest's end
        # Submitted, not graded yet: never the key, whatever the policy.
        ("explanations", "immediately", True, "submitted", False, False),
    ],
)
def test_result_page_follows_the_review_policy(
    city_contest, tree, content, timing, closed, status, shows, explains
):
    closes_at = timezone.now() + datetime.timedelta(days=-1 if closed else 30)
    Contest.objects.filter(pk=city_contest.pk).update(
        review_content=content, review_timing=timing, closes_at=closes_at
    )
    question = city_contest.questions.get()
    wrong = question.options.get(is_correct=False)
    registration = RegistrationFactory(contest=city_contest, unit=tree["A-1"])
    attempt = graded_attempt(registration, question, chosen=wrong.pk, status=status)
    attempt = Attempt.objects.select_related("contest", "round").get(pk=attempt.pk)
    assert review_allowed(attempt=attempt) is shows
    review = attempt_review(attempt=attempt)
    assert (review is not None) is shows

    client = Client()
    client.force_login(registration.participant.user)
    html = body(client.get(reverse("scoring:result", args=[attempt.pk])))
    assert (f"✔ {CORRECT}" in html) is shows
    assert (EXPLANATION in html) is explains
    assert (REFERENCE in html) is explains
    # Another person never sees this attempt.
    other = RegistrationFactory(contest=city_contest, unit=tree["A-1"]).participant.user
    client.force_login(other)
    response = client.get(reverse("scoring:result", args=[attempt.pk]))
    assert response.status_code == 404
    assert_no_key(response, "other person", "result")
