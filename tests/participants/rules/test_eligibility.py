"""Who may join a contest: the pure rule, one row per reason (and the order they are asked)."""

import dataclasses
import datetime

import pytest

from participants.rules.eligibility import ContestTerms, Person, registration_refusal

NOW = datetime.datetime(2023, 9, 10, 8, 0, tzinfo=datetime.UTC)
CONTEST = ContestTerms(
    published=True,
    closes_at=datetime.datetime(2023, 9, 30, 17, 0, tzinfo=datetime.UTC),
    opens_on=datetime.date(2023, 9, 1),
    reference_date=datetime.date(2023, 9, 1),
    min_age=14,
)
ADULT = Person(
    date_of_birth=datetime.date(1987, 5, 17), document_type="cccd", document_number="001087123456"
)
FOREIGNER = Person(
    date_of_birth=datetime.date(1980, 1, 1),
    document_type="passport",
    document_number="M1234567",
    issuing_country="KR",
)

CASES = [
    # (person changes, contest changes, code, message)
    ({}, {}, None, None),
    ({}, {"published": False}, "not_published", "Cuộc thi này chưa mở đăng ký."),
    ({}, {"closes_at": NOW}, "closed", "Cuộc thi đã kết thúc, không nhận đăng ký."),
    (
        {},
        {"allow_citizens": False},
        "citizens_not_allowed",
        "Cuộc thi này không dành cho công dân Việt Nam.",
    ),
    (
        {"document_type": "passport", "document_number": "M1234567", "issuing_country": "KR"},
        {"allow_foreigners": False},
        "foreigners_not_allowed",
        "Cuộc thi này chỉ dành cho công dân Việt Nam (có số căn cước).",
    ),
    (
        {"document_number": "012345678"},
        {"opens_on": datetime.date(2025, 1, 1)},
        "cmnd_expired",
        "Chứng minh nhân dân 9 số đã hết giá trị từ ngày 31/12/2024. Vui lòng liên hệ "
        "Ban Tổ chức để cập nhật số căn cước (CCCD) 12 số.",
    ),
    (
        {"document_type": "passport", "document_number": "C1234567", "issuing_country": "VN"},
        {},
        "citizen_passport",
        "Công dân Việt Nam đăng ký bằng số căn cước (CCCD), không dùng hộ chiếu. Vui lòng "
        "chọn loại giấy tờ “Căn cước / CCCD” và nhập số căn cước 12 số.",
    ),
    (
        {"duplicate_pending": True},
        {},
        "duplicate_pending",
        "Số giấy tờ của tài khoản này trùng với một tài khoản khác và đang chờ Ban Tổ chức "
        "rà soát; tạm thời chưa đăng ký dự thi được.",
    ),
    (
        {"excluded": True},
        {},
        "excluded",
        "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này (thành viên Ban Tổ "
        "chức, Ban Giám khảo…).",
    ),
    (
        {"date_of_birth": datetime.date(2009, 9, 2), "guardian_consent": True},
        {},
        "too_young",
        "Cuộc thi dành cho người từ đủ 14 tuổi trở lên tính đến ngày 01/09/2023; theo ngày "
        "sinh đã khai, khi đó bạn 13 tuổi.",
    ),
    # Seed 003 admits 12-year-olds.
    (
        {"date_of_birth": datetime.date(2011, 9, 1), "guardian_consent": True},
        {"min_age": 12},
        None,
        None,
    ),
    (
        {"date_of_birth": datetime.date(2008, 1, 1)},
        {},
        "no_guardian",
        "Người dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ.",
    ),
    ({"date_of_birth": datetime.date(2008, 1, 1), "guardian_consent": True}, {}, None, None),
    ({"date_of_birth": datetime.date(2007, 9, 1)}, {}, None, None),  # exactly 16
]


@pytest.mark.parametrize(("person", "contest", "code", "message"), CASES)
def test_registration_refusal(person, contest, code, message):
    refusal = registration_refusal(
        dataclasses.replace(ADULT, **person), dataclasses.replace(CONTEST, **contest), now=NOW
    )
    if code is None:
        assert refusal is None
    else:
        assert (refusal.code, str(refusal.message)) == (code, message)


def test_the_old_cmnd_is_still_valid_for_a_contest_opening_in_2024():
    person = dataclasses.replace(ADULT, document_number="012345678")
    contest = dataclasses.replace(CONTEST, opens_on=datetime.date(2024, 12, 31))
    assert registration_refusal(person, contest, now=NOW) is None
    contest = dataclasses.replace(contest, opens_on=datetime.date(2025, 1, 1))
    assert registration_refusal(person, contest, now=NOW).code == "cmnd_expired"


def test_the_contest_is_asked_before_the_person():
    person = dataclasses.replace(ADULT, excluded=True, date_of_birth=datetime.date(2015, 1, 1))
    contest = dataclasses.replace(CONTEST, published=False)
    assert registration_refusal(person, contest, now=NOW).code == "not_published"
    assert registration_refusal(person, CONTEST, now=NOW).code == "excluded"


def test_a_foreigner_with_a_passport_may_join():
    assert registration_refusal(FOREIGNER, CONTEST, now=NOW) is None
