import pytest
from django.utils import translation

from participants.rules.data_access_text import action_text, target_text

MODELS = {"participant": "người dự thi", "registration": "đăng ký dự thi", "contest": "cuộc thi"}


@pytest.mark.parametrize(
    ("action", "text"),
    [("view", "xem một hồ sơ"), ("view_list", "xem danh sách"), ("something_new", "something_new")],
)
def test_action_text(action, text):
    with translation.override("vi"):
        assert action_text(action) == text


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("participant:12", "người dự thi #12"),
        ("registration contest__id__exact=3", "đăng ký dự thi (contest__id__exact=3)"),
        ("registration ", "đăng ký dự thi"),
        ("contest:4 excluded", "cuộc thi #4 (danh sách không được dự thi)"),
        ("essay:AB12", "bài dự thi tự luận #AB12"),
        ("roster-not-yet:ct:A-1", "danh sách chưa tham gia #ct:A-1"),
        ("unknown:1", "unknown:1"),
        ("", ""),
    ],
)
def test_target_text(target, text):
    with translation.override("vi"):
        assert target_text(target, MODELS) == text
