import pytest
from django.utils import translation

from participants.rules.duplicate_details import decision_details_lines


@pytest.mark.parametrize(
    ("details", "lines"),
    [
        (
            {"kept": 3, "folded": 7, "moved_registrations": [11, 12]},
            [
                "tài khoản được giữ: #3",
                "tài khoản được gộp vào: #7",
                "đăng ký dự thi đã chuyển: #11, #12",
            ],
        ),
        ({"disqualified_registrations": []}, ["đăng ký dự thi bị truất quyền: không có"]),
        ({"other": "x"}, ["other: x"]),
        ({}, []),
        (None, []),
        ([1], []),
    ],
)
def test_decision_details_lines(details, lines):
    with translation.override("vi"):
        assert decision_details_lines(details) == lines
