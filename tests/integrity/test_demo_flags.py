"""The demo's planted account farm is found by the real detection, with the evidence an
organiser reads, once however often the seed runs (also on SQLite: the portable path)."""

import pytest

from devdata.services.demo import seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_flags import FARM, seed_flags_demo
from integrity.evidence import evidence_text
from integrity.models import AnomalyFlag

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


def test_demo_plants_a_farm_and_the_queue_shows_it():
    seed_units_and_accounts()
    contest = seed_demo_contest()
    lines = seed_flags_demo()
    assert seed_flags_demo() == lines  # the second run plants and flags nothing new
    counts = {}
    for kind in AnomalyFlag.objects.filter(contest=contest).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    assert counts == {
        "registration_burst": 6,
        "phone_sequence": 6,
        "too_fast": 2,
        "same_answers": 2,
    }
    assert lines == [
        f"Dấu hiệu bất thường «{contest.title}»: 16 chờ xem xét (Đúng hết nhanh hơn tốc độ "
        "đọc; Bài làm giống hệt từ cùng địa chỉ hoặc thiết bị; Đăng ký dồn dập từ cùng địa "
        "chỉ; Số điện thoại liên tiếp) — Quản trị › Dấu hiệu bất thường."
    ]
    names = set(
        AnomalyFlag.objects.filter(contest=contest).values_list(
            "registration__participant__full_name", flat=True
        )
    )
    assert names == {name for name, _number, _phone in FARM}
    phones = AnomalyFlag.objects.filter(kind="phone_sequence").first()
    assert evidence_text(phones.kind, phones.evidence).startswith(
        "6 số điện thoại liên tiếp nhau (từ 039****401 đến 039****406) cùng đăng ký dự thi ngày "
    )
    same = AnomalyFlag.objects.filter(kind="same_answers").first()
    assert evidence_text(same.kind, same.evidence).startswith(
        "2 bài thi của 2 người từ cùng một thiết bị có "
    )
    assert evidence_text(same.kind, same.evidence).endswith(
        "trong đó 3 câu sai giống nhau; thời gian làm bài gần như bằng nhau: 1 phút 2 giây, "
        "1 phút 3 giây."
    )
    fast = [evidence_text(f.kind, f.evidence) for f in AnomalyFlag.objects.filter(kind="too_fast")]
    assert sorted(text.split(", trong khi")[0] for text in fast) == [
        "Đúng tất cả 20 câu trong 40 giây",
        "Đúng tất cả 20 câu trong 41,5 giây",
    ]
