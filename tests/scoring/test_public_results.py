"""Public results: the winners on the contest page (frozen at publication, names as consented),
the "ahead of" keyset rule against rank(), and the results lookup through the real views
(logged in, anonymous right / wrong date of birth, unknown number, rate limits)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from contests.models import PrizeStructure, PrizeTier, Unit
from contests.templatetags.contest_tags import vn_time
from participants.models import Registration
from scoring.models import Attempt, ResultsSnapshot
from scoring.rules.public_name import masked_name, public_name
from scoring.selectors.public_results import district_of, duration_text, winners_board
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from scoring.services.prizes import results_publish
from tests.conftest import make_organiser
from tests.scoring.grading_data import (
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

IND, COL = PrizeTier.Kind.INDIVIDUAL, PrizeTier.Kind.COLLECTIVE


# --- The published name: one pure rule -----------------------------------------------------

NFD_AN = "Nguye\u0302\u0303n Va\u0306n A\u0302\u0301n"  # "Nguyễn Văn Ấn" decomposed


@pytest.mark.parametrize(
    ("full_name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("Lê Thị Minh Khai", "Lê T. M. K."),
        ("  Đặng   ánh  ", "Đặng Á."),
        (NFD_AN, "Nguyễn V. Ấ."),
        ("Bình", "B."),
        ("", ""),
    ],
)
def test_masked_name(full_name, masked):
    assert masked_name(full_name) == masked


@pytest.mark.parametrize(
    ("case", "may_show", "published"),
    [
        # may_show_name is Registration.may_show_name: consent, and the guardian's under 16.
        ("adult who consented", True, "Nguyễn Văn An"),
        ("adult without publish consent", False, "Nguyễn V. A."),
        ("minor with both consents", True, "Nguyễn Văn An"),
        ("minor without the guardian's consent", False, "Nguyễn V. A."),
    ],
)
def test_public_name(case, may_show, published):
    assert public_name("Nguyễn  Văn An", may_show_name=may_show) == published


# --- A published contest ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(tree, db):
    """Five people: Bình (adult, consents; 20 right in 100 s), An (adult, no publish consent;
    20 in 120 s), Châu (15, consents but no guardian's consent; 19 in 90 s), Hà (15, both
    consents; 18), Dũng (adult, a department; 10). Prizes: Nhất ×1, Nhì ×3; collective Nhất
    ×1 among districts. Published as version 1."""
    contest = bank_contest(tree, questions=20, slug="ket-qua-cong-khai", title="Cuộc thi Luật CCCD")
    questions = contest_questions(contest)
    people = {
        "binh": register(contest, tree["A-1"], participant__full_name="Trần Thị Bình"),
        "an": register(
            contest, tree["A-2"], participant__full_name="Nguyễn Văn An", consent_publish=False
        ),
        "chau": register(
            contest,
            tree["B-1"],
            participant__full_name="Lê Minh Châu",
            participant__date_of_birth=datetime.date(2011, 3, 2),
            age_on_reference=15,
            age_group="u18",
        ),
        "ha": register(
            contest,
            tree["B-1"],
            participant__full_name="Phạm Thu Hà",
            age_on_reference=15,
            age_group="u18",
            guardian_consent=True,
        ),
        "dung": register(
            contest, tree["C-D-1"], participant__full_name="Hoàng Văn Dũng", block=tree["C-D"]
        ),
    }
    make_attempt(people["binh"], questions, correct=20, seconds=100)
    make_attempt(people["an"], questions, correct=20, seconds=120)
    make_attempt(people["chau"], questions, correct=19, seconds=90)
    make_attempt(people["ha"], questions, correct=18, seconds=95.5)
    make_attempt(people["dung"], questions, correct=10, seconds=300)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    structure = PrizeStructure.objects.create(
        contest=contest, title="Giải thành phố", collective_unit_kind=Unit.Kind.DISTRICT
    )
    for kind, order, name, count, amount in [
        (IND, 1, "Giải Nhất", 1, 3_000_000),
        (IND, 2, "Giải Nhì", 3, 1_500_000),
        (COL, 1, "Giải Nhất", 1, 5_000_000),
    ]:
        PrizeTier.objects.create(
            structure=structure, kind=kind, rank_order=order, name=name, count=count, amount=amount
        )
    contest_close(contest, prediction_actual=3)
    root = make_organiser(None, "root", superuser=True)
    snapshot = results_publish(contest=contest, user=root)
    return contest, people, root, snapshot


def _winners_html(client, contest) -> str:
    response = client.get(reverse("contests:contest_detail", args=[contest.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section class="mb-4 results-winners".*?</section>', html, re.S)
    assert match, "no winners section"
    return match.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_winners_on_the_contest_page(published, client):
    contest, _people, _root, snapshot = published
    text = _text(_winners_html(client, contest))
    assert f"Phiên bản 1, công bố lúc {vn_time(snapshot.published_at)}." in text
    assert re.search(r"Phiên bản 1, công bố lúc \d+ giờ( \d\d)? ngày \d\d/\d\d/20\d\d\.", text)
    assert "thay thế" not in text
    assert (
        "Giải Nhất Trần Thị Bình Phường A1 100 điểm (20 câu đúng) · thời gian 1 phút 40 giây"
        in text
    )
    # No publish consent: masked. A 15-year-old without the guardian's consent: masked.
    assert "Giải Nhì Nguyễn V. A. Phường A2 100 điểm (20 câu đúng)" in text
    assert "Giải Nhì Lê M. C. Phường B1 95 điểm (19 câu đúng) · thời gian 1 phút 30 giây" in text
    # A 15-year-old with both consents: by name.
    assert (
        "Giải Nhì Phạm Thu Hà Phường B1 90 điểm (18 câu đúng) · thời gian 1 phút 35,5 giây" in text
    )
    assert "Nguyễn Văn An" not in text and "Lê Minh Châu" not in text
    assert "Hoàng" not in text
    # Collective: Quận A (2 people of 400) and Quận B (2 of 500) tie on count; the contest's
    # rule decides, and the figures are shown.
    assert re.search(
        r"Giải tập thể Giải Nhất Quận [AB] 2 người tham gia · đạt 0,[45] % so với [45]00 người",
        text,
    )
    assert "Tra cứu kết quả của bạn" in text


def test_what_readers_see_never_changes_under_them(published, client, django_assert_num_queries):
    contest, people, root, _snapshot = published
    _winners_html(client, contest)
    with django_assert_num_queries(0):  # cached by (contest, version)
        assert winners_board(contest=contest).version == 1
    # Bình withdraws her publish consent after publication: version 1 keeps what was published.
    Registration.objects.filter(pk=people["binh"].pk).update(consent_publish=False)
    cache.clear()
    assert "Trần Thị Bình" in _text(_winners_html(client, contest))
    results_publish(contest=contest, user=root, replaces=1)
    cache.clear()
    text = _text(_winners_html(client, contest))
    assert "Phiên bản 2, công bố lúc" in text
    assert "Phiên bản này thay thế phiên bản 1." in text
    assert "Giải Nhất Trần T. B. Phường A1" in text


def test_provisional_results_say_until_when(published, client):
    contest, _people, _root, snapshot = published
    until = datetime.datetime(2026, 10, 5, 17, 0, tzinfo=datetime.UTC)
    ResultsSnapshot.objects.filter(pk=snapshot.pk).update(provisional_until=until)
    text = _text(_winners_html(client, contest))
    assert "Kết quả tạm thời, có thể phúc khảo đến 24 giờ ngày 05/10/2026." in text


def test_no_winners_before_publication(tree, client):
    contest = bank_contest(tree, slug="chua-cong-bo")
    contest_close(contest, prediction_actual=1)
    html = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert "results-winners" not in html
    response = client.get(reverse("scoring:results_lookup", args=[contest.slug]))
    assert "Kết quả cuộc thi chưa được công bố." in response.content.decode()
    assert 'id="lookup-form"' not in response.content.decode()


def test_district_of(published, tree):
    _contest, people, _root, _snapshot = published
    assert district_of(tree["A-1"], block_id=None) == tree["A"]
    assert district_of(tree["A"], block_id=None) == tree["A"]
    # No district above a department: the block's child containing it.
    assert district_of(tree["C-D-1"], block_id=tree["C-D"].pk) == tree["C-D-1"]
    assert district_of(tree["C-D"], block_id=tree["C-D"].pk) is None


# --- The lookup through the real views ---------------------------------------------------------


def _lookup_text(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section class="card mb-4" id="lookup-result".*?</section>', html, re.S)
    return _text(match.group(0)) if match else ""


# The order the snapshot was published by (ranking.rule_lines), here the default chain.
DEFAULT_CHAIN_TEXT = (
    "Thứ tự xếp hạng: Nhiều câu trả lời đúng hơn; Dự đoán gần đáp án hơn (người không trả lời "
    "câu hỏi dự đoán xếp sau người có trả lời); Thời gian làm bài ngắn hơn (của bài thi được "
    "tính kết quả); Nộp bài sớm hơn (thời điểm nộp bài thi được tính kết quả); Nếu vẫn bằng "
    "nhau ở mọi tiêu chí: người đăng ký dự thi trước xếp trên."
)
AN_RESULT = (
    "100 Số câu đúng 20/20 Thời gian làm bài 2 phút 0 giây Thứ hạng "
    "Toàn cuộc thi: hạng 2 trên 5 người Quận A: hạng 2 trên 2 người "
    "Từ đủ 18 tuổi trở lên: hạng 2 trên 3 người Giải Nhì Giải thành phố "
    f"Vì sao bạn xếp ở vị trí này {DEFAULT_CHAIN_TEXT} "
    "Người dự thi hạng 1 xếp trên bạn: cùng số câu đúng (20) và sai số dự đoán (không dự "
    "đoán), thời gian làm bài ngắn hơn (1:40,000 so với 2:00,000). "
    "Bạn xếp trên người dự thi hạng 3 vì trả lời đúng nhiều câu hơn (20 câu so với 19 câu)."
)


def test_logged_in_citizen_sees_their_own_result(published, client):
    contest, people, _root, _snapshot = published
    client.force_login(people["an"].participant.user)
    response = client.get(reverse("scoring:results_lookup", args=[contest.slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _lookup_text(response) == f"Nguyễn Văn An Phường A2 Điểm cao nhất {AN_RESULT}"


def _post(client, contest, number, dob, **extra):
    return client.post(
        reverse("scoring:results_lookup", args=[contest.slug]),
        {"document_number": number, "date_of_birth": dob},
        **extra,
    )


def test_anonymous_lookup_by_number_and_date_of_birth(published, client):
    contest, people, _root, _snapshot = published
    number = people["an"].document_number
    spaced = f"{number[:3]} {number[3:6]}.{number[6:]}"
    response = _post(client, contest, spaced, "17/05/1990")
    assert response.status_code == 200
    # Anonymous: the name as it may be published, never more.
    assert _lookup_text(response) == f"Nguyễn V. A. Phường A2 Điểm cao nhất {AN_RESULT}"


def test_a_minor_department_member_and_a_disqualified_person(published, client, tree):
    contest, people, root, _snapshot = published
    response = _post(client, contest, people["chau"].document_number, "2011-03-02")
    text = _lookup_text(response)
    assert text.startswith("Lê M. C. Phường B1 Điểm cao nhất 95 Số câu đúng 19/20")
    assert "Toàn cuộc thi: hạng 3 trên 5 người Quận B: hạng 1 trên 2 người" in text
    assert "Từ đủ 14 đến dưới 18 tuổi: hạng 1 trên 2 người Giải Nhì Giải thành phố" in text
    response = _post(client, contest, people["dung"].document_number, "17/05/1990")
    text = _lookup_text(response)
    assert "Toàn cuộc thi: hạng 5 trên 5 người Sở Giáo dục: hạng 1 trên 1 người" in text
    assert "Không có giải trong danh sách đã công bố." in text
    assert (
        "Người dự thi hạng 4 xếp trên bạn vì trả lời đúng nhiều câu hơn (18 câu so với 10 câu)."
        in text
    )
    registration_disqualify(registration=people["dung"], reason_code="cheating", user=root)
    text = _lookup_text(_post(client, contest, people["dung"].document_number, "17/05/1990"))
    assert "Bài thi này không được xếp hạng" in text and "hạng" not in text.split("Bài thi")[0]


def _without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


NOT_FOUND = (
    "Không tìm thấy kết quả với số giấy tờ và ngày sinh này. Hãy kiểm tra lại cả hai "
    "(số giấy tờ đã dùng khi đăng ký dự thi, ngày sinh dạng ngày/tháng/năm)."
)


def test_wrong_date_and_unknown_number_get_the_same_reply(
    published, client, django_assert_num_queries
):
    contest, people, _root, _snapshot = published
    known = people["an"].document_number
    unknown = "001090999999"
    assert not Registration.objects.filter(document_number=unknown).exists()
    _post(client, contest, known, "17/05/1990")  # warm the caches alike for both
    with django_assert_num_queries(1) as wrong_queries:
        wrong = _post(client, contest, known, "18/05/1990")
    with django_assert_num_queries(1) as unknown_queries:
        missing = _post(client, contest, unknown, "18/05/1990")
    assert (wrong.status_code, missing.status_code) == (200, 200)
    assert NOT_FOUND in wrong.content.decode()
    assert _without_token(wrong).replace(known, "N") == _without_token(missing).replace(
        unknown, "N"
    )
    # The same single query, the number and the date of birth together.
    sql = lambda q: re.sub(r"'[^']*'", "?", q.captured_queries[0]["sql"])  # noqa: E731
    assert sql(wrong_queries) == sql(unknown_queries)


def test_bad_input_is_told_in_vietnamese(published, client):
    contest, _people, _root, _snapshot = published
    response = _post(client, contest, "12ab!?", "31/02/1990")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Số giấy tờ chỉ gồm chữ cái và chữ số, từ 5 đến 20 ký tự." in html
    assert "Ngày sinh không hợp lệ (ví dụ 17/05/1990)." in html
    response = _post(client, contest, "", "")
    assert "Vui lòng nhập số giấy tờ đã dùng khi đăng ký dự thi." in response.content.decode()
    assert client.get(reverse("scoring:results_lookup", args=["khong-co"])).status_code == 404


def test_rate_limits_per_number_and_per_address(published, client, settings):
    contest, people, _root, _snapshot = published
    settings.SCORING_LOOKUP_RATE_LIMITS = {"address": (4, 60), "number": (2, 600)}
    number = people["an"].document_number
    # Per number, whatever the address (a guesser changing addresses is still slowed down).
    for address in ("10.0.0.1", "10.0.0.2"):
        assert _post(client, contest, number, "01/01/1990", REMOTE_ADDR=address).status_code == 200
    refused = _post(client, contest, number, "17/05/1990", REMOTE_ADDR="10.0.0.3")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    html = refused.content.decode()
    assert "Số giấy tờ này đã được tra cứu nhiều lần trong thời gian ngắn." in html
    assert "Nguyễn" not in html
    # An unregistered number is limited the same way (the limit tells nothing).
    for _i in range(2):
        _post(client, contest, "001090999999", "01/01/1990", REMOTE_ADDR="10.0.0.4")
    assert (
        _post(client, contest, "001090999999", "01/01/1990", REMOTE_ADDR="10.0.0.5").status_code
        == 429
    )
    # Per address: the fifth lookup from 10.0.0.9 in a minute, whatever the numbers.
    for i in range(4):
        _post(client, contest, f"00109077777{i}", "01/01/1990", REMOTE_ADDR="10.0.0.9")
    refused = _post(client, contest, "001090777775", "01/01/1990", REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "Có quá nhiều lượt tra cứu từ địa chỉ mạng của bạn trong thời gian ngắn." in (
        refused.content.decode()
    )


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (None, ""),
        (100_000, "1 phút 40 giây"),  # not "40,000 giây": forty thousand to a Vietnamese eye
        (95_500, "1 phút 35,5 giây"),
        (245_250, "4 phút 5,25 giây"),
        (245_251, "4 phút 5,251 giây"),
        (120_000, "2 phút 0 giây"),
        (60_010, "1 phút 0,01 giây"),
        (12_345, "12,345 giây"),
        (0, "0 giây"),
        (3_725_000, "62 phút 5 giây"),
    ],
)
def test_duration_text(ms, text):
    assert duration_text(ms) == text
