"""Provisional results and appeals, through the real views and admin (CSRF enforced):
publishing as provisional for N days, a citizen's appeal on their result page (every refusal
with its message, one per attempt, only their own attempt), the organiser's answer (scoped to
their subtree, once), and the final publication that records and shows what changed."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.refusals import Refused
from contests.templatetags.contest_tags import vn_time
from scoring.models import Appeal, Attempt, ResultsSnapshot
from scoring.services.appeals import appeal_answer
from scoring.services.disqualification import registration_disqualify
from tests.contests.helpers import form_fields
from tests.scoring.grading_data import contest_questions, make_attempt
from tests.scoring.test_results_admin import (  # noqa: F401 (closed is a fixture)
    browser,
    change_url,
    click,
    closed,
    prizes_url,
)

pytestmark = pytest.mark.django_db

NOT_PROVISIONAL = (
    "Cuộc thi không có kết quả tạm thời đang nhận phúc khảo: chỉ gửi được phúc khảo khi Ban "
    "Tổ chức công bố kết quả tạm thời."
)
ALREADY = "Bạn đã gửi phúc khảo cho bài thi này: mỗi bài thi chỉ được phúc khảo một lần."
EMPTY = "Vui lòng nhập nội dung phúc khảo."
NOT_GRADED = "Chỉ có thể phúc khảo bài thi đã chấm xong."
BAD_DAYS = "Số ngày nhận phúc khảo phải là số nguyên từ 1 đến 60."
ANSWERED = "Đơn phúc khảo này đã được trả lời: mỗi đơn chỉ được trả lời một lần."
TEXT = "Câu 3 có hai đáp án đúng theo Nghị định 59/2022/NĐ-CP, đề nghị chấm lại."


def publish_provisional(contest, organiser, days="7"):
    return click(browser(organiser), contest, "cong-bo-ket-qua", **{"so-ngay-phuc-khao": days})


def citizen(registration):
    client = Client(enforce_csrf_checks=True)
    client.force_login(registration.participant.user)
    return client


def attempt_of(registration):
    return Attempt.objects.get(registration=registration)


def result_url(attempt):
    return reverse("scoring:result", args=[attempt.pk])


def file_appeal(client, attempt, text):
    """Post the appeal form as the browser would (its CSRF token; the text typed)."""
    page = client.get(result_url(attempt))
    assert page.status_code == 200
    fields = form_fields(page, "appeal-form")
    return client.post(result_url(attempt), {**fields, "noi-dung": text})


def post_appeal(client, attempt, text):
    """A post without the page's form (no form shown): the CSRF token set by hand."""
    client.cookies["csrftoken"] = "x" * 32
    return client.post(result_url(attempt), {"csrfmiddlewaretoken": "x" * 32, "noi-dung": text})


def appeal_error(response) -> str:
    html = response.content.decode()
    start = html.index('id="appeal-error">') + len('id="appeal-error">')
    return html[start : html.index("</div>", start)]


# --- Publishing as provisional ----------------------------------------------------------------


def test_publish_as_provisional_for_n_days(closed, organisers):  # noqa: F811
    contest, _people = closed
    client = browser(organisers["city"])
    page = client.get(change_url(contest)).content.decode()
    assert 'name="so-ngay-phuc-khao"' in page
    assert "Công bố tạm thời, nhận phúc khảo trong (ngày):" in page

    messages = publish_provisional(contest, organisers["city"], days="7")

    snapshot = ResultsSnapshot.objects.get(contest=contest)
    assert snapshot.version == 1 and snapshot.changes is None
    assert snapshot.provisional_until - snapshot.published_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )
    until = vn_time(snapshot.provisional_until)
    assert messages == [
        f"Đã công bố kết quả cuộc thi “{contest.title}” (phiên bản 1).",
        f"Đây là kết quả tạm thời: người dự thi được gửi phúc khảo đến {until}. Hết thời hạn "
        "và trả lời xong các đơn phúc khảo, hãy bấm “Công bố lại kết quả (phiên bản mới)” để "
        "công bố kết quả chính thức.",
    ]
    page = client.get(change_url(contest)).content.decode()
    assert (
        f"Đây là kết quả tạm thời: nhận phúc khảo đến {until}; 0 đơn phúc khảo chưa trả lời."
        in (page)
    )
    prizes = client.get(prizes_url(contest)).content.decode()
    assert f"Kết quả tạm thời: nhận phúc khảo đến {until}." in prizes
    assert "Thay đổi so với phiên bản trước" not in prizes  # version 1: nothing to compare


@pytest.mark.parametrize("days", ["0", "61", "bảy", "²", "-1", "1.5"])
def test_provisional_days_out_of_range_are_refused(closed, organisers, days):  # noqa: F811
    contest, _people = closed
    messages = publish_provisional(contest, organisers["city"], days=days)
    assert messages == [f"{contest.title}: {BAD_DAYS}"]
    assert not ResultsSnapshot.objects.filter(contest=contest).exists()


def test_blank_days_publish_final(closed, organisers):  # noqa: F811
    contest, _people = closed
    messages = publish_provisional(contest, organisers["city"], days="  ")
    assert messages == [f"Đã công bố kết quả cuộc thi “{contest.title}” (phiên bản 1)."]
    assert ResultsSnapshot.objects.get(contest=contest).provisional_until is None


# --- Filing an appeal -------------------------------------------------------------------------


def test_no_appeal_before_provisional_results(closed):  # noqa: F811
    contest, people = closed
    anh = people["Trần Thị Ánh"]
    client = citizen(anh)
    page = client.get(result_url(attempt_of(anh))).content.decode()
    assert 'id="appeal-form"' not in page
    response = post_appeal(client, attempt_of(anh), TEXT)
    assert response.status_code == 400
    assert appeal_error(response) == NOT_PROVISIONAL
    assert not Appeal.objects.exists()


def test_file_an_appeal_once_and_see_the_answer(closed, organisers):  # noqa: F811
    contest, people = closed
    publish_provisional(contest, organisers["city"], days="7")
    snapshot = ResultsSnapshot.objects.get(contest=contest)
    dung = people["Ngô Văn Dũng"]
    attempt = attempt_of(dung)
    client = citizen(dung)
    page = client.get(result_url(attempt)).content.decode()
    assert (
        "Kết quả cuộc thi đang là kết quả tạm thời. Nếu thấy bài thi này được chấm chưa đúng, "
        "bạn có thể gửi một đơn phúc khảo (tối đa 2.000 ký tự) đến "
        f"{vn_time(snapshot.provisional_until)}. Mỗi bài thi chỉ được phúc khảo một lần."
    ) in page

    # Empty (spaces only) and too long: refused, the text kept in the form, nothing written.
    response = file_appeal(client, attempt, "   \n ")
    assert (response.status_code, appeal_error(response)) == (400, EMPTY)
    response = file_appeal(client, attempt, "a" * 2001)
    assert (response.status_code, appeal_error(response)) == (
        400,
        "Nội dung phúc khảo tối đa 2.000 ký tự (bạn đã nhập 2.001 ký tự).",
    )
    assert "a" * 2001 + "</textarea>" in response.content.decode()
    assert not Appeal.objects.exists()

    response = file_appeal(client, attempt, f"  {TEXT}  ")
    assert response.status_code == 302 and response["Location"] == result_url(attempt)
    appeal = Appeal.objects.get()
    assert (appeal.attempt, appeal.registration, appeal.contest, appeal.snapshot) == (
        attempt,
        dung,
        contest,
        snapshot,
    )
    assert (appeal.text, appeal.filed_by, appeal.status) == (
        TEXT,
        dung.participant.user,
        Appeal.Status.PENDING,
    )
    page = client.get(result_url(attempt), follow=True).content.decode()
    assert "Đã gửi đơn phúc khảo. Ban Tổ chức sẽ trả lời tại đây." in page
    assert f"Bạn đã gửi đơn phúc khảo lúc {vn_time(appeal.filed_at)}:" in page
    assert "Đơn đang chờ Ban Tổ chức trả lời." in page
    assert 'id="appeal-form"' not in page

    # A second appeal on the same attempt (an old tab posting again): refused.
    response = post_appeal(client, attempt, "Lần nữa")
    assert (response.status_code, appeal_error(response)) == (400, ALREADY)
    assert Appeal.objects.count() == 1

    # The organiser answers; the citizen reads it on the same page.
    appeal_answer(
        appeal=appeal,
        user=organisers["a"],
        status=Appeal.Status.REJECTED,
        answer="Đáp án câu 3 đúng theo Điều 5.",
    )
    appeal.refresh_from_db()
    page = client.get(result_url(attempt)).content.decode()
    assert f"Ban Tổ chức đã trả lời lúc {vn_time(appeal.answered_at)}: Không chấp nhận." in page
    assert "Đáp án câu 3 đúng theo Điều 5." in page


def test_one_appeal_per_attempt_is_a_database_constraint(closed, organisers):  # noqa: F811
    contest, people = closed
    publish_provisional(contest, organisers["city"])
    dung = people["Ngô Văn Dũng"]
    assert file_appeal(citizen(dung), attempt_of(dung), TEXT).status_code == 302
    first = Appeal.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            attempt=first.attempt,
            registration=first.registration,
            contest=first.contest,
            snapshot=first.snapshot,
            text="Lần hai",
            filed_at=timezone.now(),
        )


def test_only_the_citizens_own_attempt(closed, organisers):  # noqa: F811
    contest, people = closed
    publish_provisional(contest, organisers["city"])
    intruder = citizen(people["Lê Văn Bình"])
    target = attempt_of(people["Ngô Văn Dũng"])
    assert intruder.get(result_url(target)).status_code == 404
    assert post_appeal(intruder, target, TEXT).status_code == 404
    assert not Appeal.objects.exists()


def test_refused_after_the_period_and_once_final(closed, organisers):  # noqa: F811
    contest, people = closed
    publish_provisional(contest, organisers["city"])
    past = timezone.now() - datetime.timedelta(minutes=1)
    ResultsSnapshot.objects.filter(contest=contest).update(provisional_until=past)
    dung = people["Ngô Văn Dũng"]
    client = citizen(dung)
    assert 'id="appeal-form"' not in client.get(result_url(attempt_of(dung))).content.decode()
    response = post_appeal(client, attempt_of(dung), TEXT)
    assert (response.status_code, appeal_error(response)) == (
        400,
        f"Đã hết thời hạn phúc khảo (đến {vn_time(past)}).",
    )
    # The final version published: no appeal any more.
    messages = click(
        browser(organisers["city"]), contest, "cong-bo-lai-ket-qua", **{"phien-ban": "1"}
    )
    assert messages == [f"Đã công bố lại kết quả cuộc thi “{contest.title}”: phiên bản 2."]
    response = post_appeal(client, attempt_of(dung), TEXT)
    assert (response.status_code, appeal_error(response)) == (400, NOT_PROVISIONAL)
    assert not Appeal.objects.exists()


def test_only_a_graded_attempt(closed, organisers):  # noqa: F811
    contest, people = closed
    publish_provisional(contest, organisers["city"])
    dung = people["Ngô Văn Dũng"]
    # A second attempt, submitted after publication and not graded yet.
    second = make_attempt(dung, contest_questions(contest), correct=5, number=2)
    assert second.status == Attempt.Status.SUBMITTED
    response = post_appeal(citizen(dung), second, TEXT)
    assert (response.status_code, appeal_error(response)) == (400, NOT_GRADED)
    assert not Appeal.objects.exists()


# --- Answering in the admin -------------------------------------------------------------------


@pytest.fixture
def appealed(closed, organisers):  # noqa: F811
    """Provisional results with one appeal, by Dũng (ward A-1 of district A)."""
    contest, people = closed
    publish_provisional(contest, organisers["city"])
    dung = people["Ngô Văn Dũng"]
    assert file_appeal(citizen(dung), attempt_of(dung), TEXT).status_code == 302
    return contest, people, Appeal.objects.get()


def answer_url(appeal):
    return reverse("admin:scoring_appeal_answer", args=[appeal.pk])


def test_district_answers_its_own_appeal_once(appealed, organisers):
    contest, _people, appeal = appealed
    client = browser(organisers["a"])
    listing = client.get(reverse("admin:scoring_appeal_changelist")).content.decode()
    assert answer_url(appeal) in listing
    page = client.get(answer_url(appeal))
    assert page.status_code == 200
    assert TEXT in page.content.decode()
    fields = form_fields(page, "appeal-answer-form")

    # Nothing chosen, nothing written: the messages on the form.
    response = client.post(answer_url(appeal), fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng chọn chấp nhận hoặc không chấp nhận." in html
    assert "Vui lòng nhập nội dung trả lời." in html
    response = client.post(answer_url(appeal), {**fields, "status": "accepted", "answer": " "})
    assert response.status_code == 400
    assert "Vui lòng nhập nội dung trả lời." in response.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answered_at, appeal.answered_by) == ("pending", None, None)

    response = client.post(
        answer_url(appeal),
        {**fields, "status": "accepted", "answer": "Chấp nhận: câu 3 được chấm lại."},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("admin:scoring_appeal_change", args=[appeal.pk]), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == ["Đã ghi nhận trả lời đơn phúc khảo."]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer, appeal.answered_by) == (
        Appeal.Status.ACCEPTED,
        "Chấp nhận: câu 3 được chấm lại.",
        organisers["a"],
    )
    answered_at = appeal.answered_at
    assert answered_at is not None

    # A second answer (another organiser, an old tab): refused, the first answer kept.
    city = browser(organisers["city"])
    page = city.get(answer_url(appeal))
    assert 'id="appeal-answer-form"' not in page.content.decode()
    city.cookies["csrftoken"] = "x" * 32
    response = city.post(
        answer_url(appeal),
        {"csrfmiddlewaretoken": "x" * 32, "status": "rejected", "answer": "Không chấp nhận."},
    )
    assert response.status_code == 400
    assert ANSWERED in response.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answered_by, appeal.answered_at) == (
        Appeal.Status.ACCEPTED,
        organisers["a"],
        answered_at,
    )


def test_the_service_answers_once_even_with_a_stale_row(appealed, organisers):
    _contest, _people, appeal = appealed
    stale = Appeal.objects.get(pk=appeal.pk)
    appeal_answer(appeal=appeal, user=organisers["a"], status="rejected", answer="Không.")
    with pytest.raises(Refused) as refused:
        appeal_answer(appeal=stale, user=organisers["city"], status="accepted", answer="Có.")
    assert (refused.value.code, refused.value.message) == ("answered", ANSWERED)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer, appeal.answered_by) == (
        "rejected",
        "Không.",
        organisers["a"],
    )


def test_another_district_neither_sees_nor_answers(appealed, organisers):
    _contest, _people, appeal = appealed
    client = browser(organisers["b"])
    listing = client.get(reverse("admin:scoring_appeal_changelist"))
    assert listing.status_code == 200
    assert answer_url(appeal) not in listing.content.decode()
    assert TEXT not in listing.content.decode()
    change = reverse("admin:scoring_appeal_change", args=[appeal.pk])
    assert client.get(change).status_code == 404
    assert client.get(answer_url(appeal)).status_code == 404
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(
        answer_url(appeal),
        {"csrfmiddlewaretoken": "x" * 32, "status": "accepted", "answer": "Chấp nhận."},
    )
    assert response.status_code == 404
    with pytest.raises(Refused) as refused:
        appeal_answer(appeal=appeal, user=organisers["b"], status="accepted", answer="Có.")
    assert refused.value.message == "Bạn không có quyền trả lời đơn phúc khảo này."
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING and appeal.answered_by is None


# --- Final publication ------------------------------------------------------------------------


def test_final_publication_waits_then_records_what_changed(appealed, organisers):
    contest, people, appeal = appealed
    client = browser(organisers["city"])
    snapshot = ResultsSnapshot.objects.get(contest=contest)
    until = vn_time(snapshot.provisional_until)
    page = client.get(change_url(contest)).content.decode()
    assert f"nhận phúc khảo đến {until}; 1 đơn phúc khảo chưa trả lời." in page

    # Too early, and an appeal unanswered: both said, nothing written.
    messages = click(client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "1"})
    assert messages == [
        f"{contest.title}: Kết quả tạm thời còn nhận phúc khảo đến {until}: chưa thể công bố "
        "kết quả chính thức trước thời hạn này.",
        f"{contest.title}: Còn 1 đơn phúc khảo chưa trả lời: hãy trả lời hết rồi công bố kết "
        "quả chính thức.",
    ]
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 1

    # The appeal accepted: Ánh's attempt was not hers (the organisers disqualify her), and the
    # period over. The final version records who left, who moved, who entered.
    appeal_answer(appeal=appeal, user=organisers["a"], status="accepted", answer="Chấp nhận.")
    registration_disqualify(
        registration=people["Trần Thị Ánh"], reason_code="cheating", user=organisers["city"]
    )
    ResultsSnapshot.objects.filter(pk=snapshot.pk).update(
        provisional_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    messages = click(client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "1"})
    assert messages == [f"Đã công bố lại kết quả cuộc thi “{contest.title}”: phiên bản 2."]
    final = ResultsSnapshot.objects.get(contest=contest, version=2)
    chau = f"Người dự thi #{people['Phạm Minh Châu'].pk}"
    assert final.provisional_until is None
    assert [(c["change"], c["winner_name"], c["before"], c["after"]) for c in final.changes] == [
        ("left", "Trần Thị Ánh", "Giải Nhất", ""),
        ("moved", "Lê Văn Bình", "Giải Nhì", "Giải Nhất"),
        ("entered", "Ngô Văn Dũng", "", "Giải Nhì"),
    ]
    assert chau not in [c["winner_name"] for c in final.changes]  # same tier: no change
    html = client.get(prizes_url(contest)).content.decode()
    changes = html.split('id="results-changes"')[1].split("</table>")[0]
    for text in [
        "Ra khỏi danh sách giải",
        "Trần Thị Ánh",
        "Đổi giải",
        "Lê Văn Bình",
        "Vào danh sách giải",
        "Ngô Văn Dũng",
        "Giải thành phố",
    ]:
        assert text in changes, text
    assert "Kết quả tạm thời" not in html
    page = client.get(change_url(contest)).content.decode()
    assert 'name="so-ngay-phuc-khao"' not in page  # final: no provisional again

    # Appeals, once closed, are not reopened.
    messages = click(
        client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "2", "so-ngay-phuc-khao": "3"}
    )
    assert messages == [
        f"{contest.title}: Kết quả đã được công bố chính thức (phiên bản 2): không thể công bố "
        "lại dưới dạng tạm thời."
    ]
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 2
