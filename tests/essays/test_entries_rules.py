"""Table tests of the entry rules: word count, when a draft may change, what an answer must
hold, who reads a file, when the person is revealed, which unit pre-marks an entry."""

import datetime

import pytest
from django.utils import timezone

from essays.rules.access import file_access_refusal, identity_revealed
from essays.rules.district import marking_unit_id
from essays.rules.submission import answer_refusal, change_refusal
from essays.rules.words import TEXT_MAX_CHARS, word_count

NOW = timezone.make_aware(datetime.datetime(2019, 9, 6, 16, 59, 59))
OPENS = timezone.make_aware(datetime.datetime(2019, 8, 1, 8, 0))
DEADLINE = timezone.make_aware(datetime.datetime(2019, 9, 6, 17, 0))
CITY = timezone.make_aware(datetime.datetime(2019, 9, 16, 17, 0))
SECOND = datetime.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("pháp luật", 2),
        ("Dịch vụ công trực tuyến.", 5),
        ("- a - b", 2),  # dashes alone are not words
        ("2019, 9/11", 2),
        ("một\u00a0hai", 2),  # no-break space separates too
        ("“Tìm hiểu”   —   pháp   luật", 4),
        ("line\nbreak\r\nwords", 3),
    ],
)
def test_word_count(text, expected):
    assert word_count(text) == expected


@pytest.mark.parametrize(
    ("submitted_at", "now", "code"),
    [
        (None, NOW, None),
        (None, DEADLINE - SECOND, None),
        (None, DEADLINE, "deadline"),  # 17:00 means up to 16:59:59
        (None, DEADLINE + SECOND, "deadline"),
        (None, OPENS - SECOND, "not_open"),
        (None, OPENS, None),
        (NOW - SECOND, NOW, "submitted"),
        (NOW - SECOND, DEADLINE + SECOND, "submitted"),  # submitted says more than late
    ],
)
def test_change_refusal(submitted_at, now, code):
    refusal = change_refusal(
        opens_at=OPENS, unit_deadline=DEADLINE, submitted_at=submitted_at, now=now
    )
    assert (refusal.code if refusal else None) == code


def test_deadline_message_names_the_deadline():
    refusal = change_refusal(opens_at=OPENS, unit_deadline=DEADLINE, submitted_at=None, now=CITY)
    assert refusal.message == "Đã hết hạn nộp bài (17:00 06/09/2019). Bài không được lưu."


@pytest.mark.parametrize(
    ("mode", "limit", "chars", "words", "has_file", "submitting", "code"),
    [
        ("either", 1500, 10, 2, False, False, None),
        ("either", 1500, 0, 0, False, False, None),  # an empty draft is fine
        ("either", 1500, 0, 0, False, True, "empty"),
        ("either", 1500, 10, 2, True, False, None),  # a draft may hold both
        ("either", 1500, 10, 2, True, True, "both"),
        ("either", 1500, 0, 0, True, True, None),
        ("either", 3, 30, 4, False, False, "word_limit"),
        ("either", 3, 30, 3, False, True, None),
        ("either", None, 30, 99999, False, True, None),
        ("typed", None, 10, 2, True, False, "typed_only"),
        ("typed", None, 10, 2, False, True, None),
        ("upload", None, 10, 2, False, False, "upload_only"),
        ("upload", None, 0, 0, True, True, None),
        ("either", None, TEXT_MAX_CHARS + 1, 5, False, False, "too_long"),
        ("either", None, TEXT_MAX_CHARS, 5, False, False, None),
    ],
)
def test_answer_refusal(mode, limit, chars, words, has_file, submitting, code):
    refusal = answer_refusal(
        answer_mode=mode,
        word_limit=limit,
        text_chars=chars,
        words=words,
        has_file=has_file,
        submitting=submitting,
    )
    assert (refusal.code if refusal else None) == code


def test_word_limit_message():
    refusal = answer_refusal(
        answer_mode="typed",
        word_limit=1500,
        text_chars=9000,
        words=1501,
        has_file=False,
        submitting=False,
    )
    assert refusal.message == "Bài viết có 1501 từ, vượt quá giới hạn 1500 từ."


@pytest.mark.parametrize(
    ("marking_final", "submitted", "revealed"),
    [
        # The city panel still open: hidden, even for an entry with a final mark (a judge can
        # still change it) or one never forwarded whose district mark is in.
        (False, True, False),
        (True, True, True),  # the city closed its marking: every submitted entry
        (True, False, False),  # a draft never was an entry
        (False, False, False),
    ],
)
def test_identity_revealed(marking_final, submitted, revealed):
    assert identity_revealed(marking_final=marking_final, submitted=submitted) is revealed


@pytest.mark.parametrize(
    ("owner", "judge", "prefix", "path", "revealed", "code"),
    [
        (True, False, None, "0001000200010001", False, None),
        (False, True, None, "0001000200010001", False, None),
        (False, False, "00010002", "0001000200010001", True, None),
        (False, False, "00010002", "0001000200010001", False, "anonymous"),
        (False, False, "", "0001000200010001", True, None),  # the city
        (False, False, "00010003", "0001000200010001", True, "not_found"),  # another district
        (False, False, None, "0001000200010001", True, "not_found"),  # a stranger
    ],
)
def test_file_access(owner, judge, prefix, path, revealed, code):
    refusal = file_access_refusal(
        is_owner=owner,
        is_assigned_judge=judge,
        organiser_prefix=prefix,
        entry_unit_path=path,
        revealed=revealed,
    )
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ([(1, "province"), (2, "block"), (3, "district"), (4, "ward")], 3),
        ([(1, "province"), (2, "block"), (3, "district")], 3),
        ([(1, "province"), (2, "block"), (5, "department")], 5),
        ([(1, "province"), (2, "block"), (5, "department"), (6, "school")], 5),
        ([(1, "province"), (7, "school")], 7),  # straight under the city: that unit
        ([(1, "province")], None),
    ],
)
def test_marking_unit(chain, expected):
    assert marking_unit_id(chain) == expected
