"""Table tests of the account rules: what one code check yields, what deleting does."""

import datetime

import pytest

from participants.accounts import codes
from participants.rules.deletion import DeletionMode, Entry, deletion_plan
from participants.rules.one_time_codes import CodeCheck, code_check_outcome, tries_left

NOW = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(minutes=5)


@pytest.mark.parametrize(
    "expires_at, tries_before, used, matches, expected",
    [
        (LATER, 0, False, True, CodeCheck.OK),
        (LATER, 4, False, True, CodeCheck.OK),
        (LATER, 0, False, False, CodeCheck.WRONG),
        (LATER, 4, False, False, CodeCheck.WRONG),
        (LATER, 5, False, True, CodeCheck.EXHAUSTED),
        (NOW, 0, False, True, CodeCheck.EXPIRED),
        (NOW - datetime.timedelta(seconds=1), 5, False, True, CodeCheck.EXPIRED),
        (LATER, 1, True, True, CodeCheck.USED),
        (NOW, 9, True, False, CodeCheck.USED),
    ],
)
def test_code_check_outcome(expires_at, tries_before, used, matches, expected):
    outcome = code_check_outcome(
        now=NOW, expires_at=expires_at, tries_before=tries_before, used=used, matches=matches
    )
    assert outcome == expected


@pytest.mark.parametrize("tries_after, left", [(1, 4), (4, 1), (5, 0), (7, 0)])
def test_tries_left(tries_after, left):
    assert tries_left(tries_after=tries_after) == left


def entry(title, closed_days_ago, retention_days):
    return Entry(title, NOW - datetime.timedelta(days=closed_days_ago), retention_days)


@pytest.mark.parametrize(
    "entries, mode, due, title",
    [
        ([], DeletionMode.DELETE_NOW, None, None),
        ([entry("A", 400, 365)], DeletionMode.ANONYMISE_NOW, NOW, None),
        ([entry("A", 365, 365)], DeletionMode.ANONYMISE_NOW, NOW, None),
        ([entry("A", 10, 365)], DeletionMode.ANONYMISE_LATER, NOW + datetime.timedelta(355), "A"),
        (
            [entry("A", 400, 365), entry("B", -30, 90)],
            DeletionMode.ANONYMISE_LATER,
            NOW + datetime.timedelta(120),
            "B",
        ),
    ],
)
def test_deletion_plan(entries, mode, due, title):
    plan = deletion_plan(entries, now=NOW)
    assert (plan.mode, plan.due_at) == (mode, due)
    if title:
        assert f"“{title}”" in plan.reason and due.strftime("%d/%m/%Y") in plan.reason


def test_code_hash_is_keyed_salted_and_constant_shape():
    salt_a, salt_b = codes.salt_new(), codes.salt_new()
    one = codes.code_hash(code="123456", salt=salt_a, purpose="reset")
    assert len(one) == 64 and one != codes.code_hash(code="123456", salt=salt_b, purpose="reset")
    assert one != codes.code_hash(code="123456", salt=salt_a, purpose="phone_change")
    assert codes.code_matches(code="123 456", salt=salt_a, purpose="reset", stored=one)
    assert not codes.code_matches(code="123457", salt=salt_a, purpose="reset", stored=one)
    made = {codes.code_new() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in made) and len(made) > 150
