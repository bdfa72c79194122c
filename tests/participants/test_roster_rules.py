"""Table tests of participants.rules.roster: the keys a roster row is matched by, the decision
for one row and the resolution of rows claiming the same registration."""

import pytest
from django.core.exceptions import ValidationError

from participants.rules.roster import (
    BY_DOCUMENT,
    BY_PHONE,
    CONFLICT,
    DUPLICATE,
    NONE,
    Candidate,
    Decision,
    claims_resolve,
    key_problem,
    match_decide,
    roster_document,
    roster_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("001087123456", "001087123456"),
        ("001 087 123 456", "001087123456"),
        ("001.087.123.456", "001087123456"),
        (" 001-087-123-456 ", "001087123456"),
        ("999087123456", "999087123456"),  # outside the 63 provinces: accepted on a roster
        ("", ""),
        (None, ""),
        ("  ", ""),
    ],
)
def test_roster_document(raw, expected):
    assert roster_document(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1087123456", "cccd_leading_zero"),  # a spreadsheet dropped the leading zero
        ("01087123456", "cccd_leading_zero"),
        ("123456789", "cccd_cmnd_expired"),
        ("00108712345X", "cccd_digits"),
        ("001587123456", "cccd_century"),
        ("0010871234567", "cccd_length"),
    ],
)
def test_roster_document_refused(raw, code):
    with pytest.raises(ValidationError) as info:
        roster_document(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_roster_phone(raw, expected):
    assert roster_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"), [("01662345678", "phone_old_prefix"), ("12345", "phone_invalid")]
)
def test_roster_phone_refused(raw, code):
    with pytest.raises(ValidationError) as info:
        roster_phone(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (Candidate("001087123456", 7, None), Decision(7, BY_DOCUMENT)),
        (Candidate("001087123456", 7, 7), Decision(7, BY_DOCUMENT)),  # both keys agree
        (Candidate("001087123456", 7, 8), Decision(None, CONFLICT)),  # two different people
        (Candidate("", None, 8), Decision(8, BY_PHONE)),  # no CCCD on the row: the phone
        # The row's CCCD found nobody, its phone someone registered with another number.
        (Candidate("001087123456", None, 8), Decision(None, CONFLICT)),
        (Candidate("001087123456", None, None), Decision(None, NONE)),
        (Candidate("", None, None), Decision(None, NONE)),
    ],
)
def test_match_decide(candidate, expected):
    assert match_decide(candidate) == expected


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        # Different registrations: everyone keeps theirs.
        (
            [(1, Decision(7, BY_DOCUMENT)), (2, Decision(8, BY_PHONE))],
            {1: Decision(7, BY_DOCUMENT), 2: Decision(8, BY_PHONE)},
        ),
        # A CCCD claim beats a phone claim on the same registration.
        (
            [(1, Decision(7, BY_PHONE)), (2, Decision(7, BY_DOCUMENT))],
            {1: Decision(None, DUPLICATE), 2: Decision(7, BY_DOCUMENT)},
        ),
        # Two phone claims: nobody gets it.
        (
            [(1, Decision(7, BY_PHONE)), (2, Decision(7, BY_PHONE)), (3, Decision(9, BY_PHONE))],
            {1: Decision(None, DUPLICATE), 2: Decision(None, DUPLICATE), 3: Decision(9, BY_PHONE)},
        ),
        # Two CCCD claims (the import refuses a repeated CCCD; kept safe anyway).
        (
            [
                (1, Decision(7, BY_DOCUMENT)),
                (2, Decision(7, BY_DOCUMENT)),
                (3, Decision(7, BY_PHONE)),
            ],
            {
                1: Decision(None, DUPLICATE),
                2: Decision(None, DUPLICATE),
                3: Decision(None, DUPLICATE),
            },
        ),
        # Rows without a match pass through unchanged.
        (
            [(1, Decision(None, NONE)), (2, Decision(None, CONFLICT))],
            {1: Decision(None, NONE), 2: Decision(None, CONFLICT)},
        ),
        ([], {}),
    ],
)
def test_claims_resolve(decisions, expected):
    assert claims_resolve(decisions) == expected


@pytest.mark.parametrize(
    ("document", "phone", "refused"),
    [("001087123456", "", False), ("", "+84912345678", False), ("x", "y", False), ("", "", True)],
)
def test_key_problem(document, phone, refused):
    assert (key_problem(document=document, phone=phone) is not None) is refused
