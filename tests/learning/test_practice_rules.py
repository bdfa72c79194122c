"""learning.rules.practice and learning.rules.review: table tests (no database)."""

import datetime

import pytest

from learning.rules.practice import practice_open, practice_question_count, practice_refusal
from learning.rules.review import (
    Seen,
    lineage_roots,
    mastered_lineages,
    missed_questions,
    review_may_be_open,
    review_queue,
    review_refusal,
    topic_mastery,
)

UTC = datetime.UTC
OPENS = datetime.datetime(2025, 9, 1, tzinfo=UTC)
CLOSES = datetime.datetime(2025, 10, 1, tzinfo=UTC)
BEFORE = OPENS - datetime.timedelta(days=3)
DURING = OPENS + datetime.timedelta(days=3)
AFTER = CLOSES + datetime.timedelta(days=3)
SECOND = datetime.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("mode", "now", "expected"),
    [
        ("off", BEFORE, False),
        ("off", DURING, False),
        ("off", AFTER, False),
        ("before", BEFORE, True),
        ("before", OPENS - SECOND, True),
        ("before", OPENS, False),
        ("before", DURING, False),
        ("before", AFTER, False),
        ("before_during", BEFORE, True),
        ("before_during", DURING, True),
        ("before_during", CLOSES - SECOND, True),
        ("before_during", CLOSES, False),
        ("before_during", AFTER, False),
        ("always", BEFORE, True),
        ("always", DURING, True),
        ("always", AFTER, True),
        ("nonsense", DURING, False),
    ],
)
def test_practice_open(mode, now, expected):
    assert practice_open(mode, OPENS, CLOSES, now) is expected


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({}, None),
        ({"is_participant": False}, "not_participant"),
        ({"published": False}, "not_published"),
        ({"mode": "off"}, "off"),
        ({"mode": "before"}, "closed"),
        ({"mode": "before_during", "now": AFTER}, "closed"),
        ({"available": 0}, "no_questions"),
        ({"available": 1}, None),
        # The account is checked first, then publication, then the window, then the bank.
        ({"is_participant": False, "published": False}, "not_participant"),
        ({"published": False, "mode": "off"}, "not_published"),
        ({"mode": "off", "available": 0}, "off"),
    ],
)
def test_practice_refusal(facts, code):
    base = {
        "published": True,
        "is_participant": True,
        "mode": "before_during",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "now": DURING,
        "available": 30,
    }
    refusal = practice_refusal(**{**base, **facts})
    assert (refusal.code if refusal else None) == code
    if refusal:
        assert str(refusal.message)  # a sentence in Vietnamese, never empty


def test_practice_refusal_messages_say_why():
    before = practice_refusal(
        published=True,
        is_participant=True,
        mode="before",
        opens_at=OPENS,
        closes_at=CLOSES,
        now=DURING,
        available=5,
    )
    assert str(before.message) == "Phần thi thử chỉ mở trước khi cuộc thi bắt đầu."
    after = practice_refusal(
        published=True,
        is_participant=True,
        mode="before_during",
        opens_at=OPENS,
        closes_at=CLOSES,
        now=AFTER,
        available=5,
    )
    assert str(after.message) == "Cuộc thi đã kết thúc, phần thi thử đã đóng."


@pytest.mark.parametrize(
    ("wanted", "available", "expected"),
    [(20, 30, 20), (20, 20, 20), (20, 7, 7), (20, 0, 0), (1, 5, 1)],
)
def test_practice_question_count(wanted, available, expected):
    assert practice_question_count(wanted=wanted, available=available) == expected


# --- review ------------------------------------------------------------------------------------


def seen(q, *, correct, order=0, lineage=None, topic=1, options=(1, 2)):
    return Seen(
        question_id=q,
        lineage=lineage or q,
        topic_id=topic,
        options=tuple(options),
        correct=correct,
        order=order,
    )


@pytest.mark.parametrize(
    ("replaces", "expected"),
    [
        ({}, {}),
        ({1: None, 2: None}, {1: 1, 2: 2}),
        ({1: None, 2: 1, 3: 2}, {1: 1, 2: 1, 3: 1}),
        ({3: 2, 2: 1, 1: None, 9: None}, {1: 1, 2: 1, 3: 1, 9: 9}),
        # A chain that leaves the map stops at the last version known.
        ({5: 4}, {5: 5}),
        # A loop (never made by the services) does not hang.
        ({1: 2, 2: 1}, {1: 1, 2: 1}),
    ],
)
def test_lineage_roots(replaces, expected):
    roots = lineage_roots(replaces)
    assert set(roots) == set(expected)
    if replaces != {1: 2, 2: 1}:
        assert roots == expected
    else:
        assert len(set(roots.values())) == 1


@pytest.mark.parametrize(
    ("sightings", "expected"),
    [
        ([], []),
        ([seen(1, correct=True)], []),
        ([seen(1, correct=False)], [1]),
        # Missed once is missed, even if right in a later attempt.
        ([seen(1, correct=False, order=0), seen(1, correct=True, order=1)], [1]),
        ([seen(1, correct=True, order=0), seen(1, correct=False, order=1)], [1]),
        # Each question once, in the order first met.
        (
            [
                seen(3, correct=False, order=0),
                seen(1, correct=False, order=0),
                seen(3, correct=False, order=1),
                seen(2, correct=True, order=1),
            ],
            [3, 1],
        ),
        # Two versions of one question: once, in the version seen last.
        ([seen(10, correct=False, order=0), seen(11, lineage=10, correct=True, order=1)], [11]),
        ([seen(11, lineage=10, correct=False, order=1), seen(10, correct=True, order=0)], [11]),
    ],
)
def test_missed_questions(sightings, expected):
    assert [m.question_id for m in missed_questions(sightings)] == expected


def test_missed_question_keeps_the_option_order_seen_last():
    first = seen(1, correct=False, order=0, options=(7, 8, 9))
    last = seen(1, correct=False, order=1, options=(9, 7, 8))
    assert missed_questions([first, last])[0].options == (9, 7, 8)


KEY = {1: frozenset({11}), 2: frozenset({21}), 3: frozenset({31})}


@pytest.mark.parametrize(
    ("answers", "lineage_of", "expected"),
    [
        ([], {}, set()),
        ([(1, 11)], {}, {1}),
        ([(1, 12)], {}, set()),
        ([(1, None)], {}, set()),
        ([(1, 12), (1, 11)], {}, {1}),
        ([(2, 21), (3, 31)], {3: 2}, {2}),
        ([(4, 41)], {}, set()),  # no key known: not counted
    ],
)
def test_mastered_lineages(answers, lineage_of, expected):
    assert mastered_lineages(answers, key=KEY, lineage_of=lineage_of) == expected


@pytest.mark.parametrize(
    ("missed", "mastered", "expected"),
    [
        ([1, 2, 3], set(), [1, 2, 3]),
        ([1, 2, 3], {2}, [1, 3]),
        ([1, 2, 3], {1, 2, 3}, [1, 2, 3]),  # all mastered: all again
        ([], set(), []),
    ],
)
def test_review_queue(missed, mastered, expected):
    queue = review_queue([seen(q, correct=False) for q in missed], mastered)
    assert [s.question_id for s in queue] == expected


def test_topic_mastery_hand_computed():
    sightings = [
        # Topic 1: 4 asked (question 1 twice), 2 right; questions 1 and 2 missed.
        seen(1, topic=1, correct=False, order=0),
        seen(2, topic=1, correct=False, order=0),
        seen(3, topic=1, correct=True, order=0),
        seen(1, topic=1, correct=True, order=1),
        # Topic 2: 3 asked, 3 right.
        seen(4, topic=2, correct=True, order=0),
        seen(5, topic=2, correct=True, order=0),
        seen(6, topic=2, correct=True, order=1),
        # Topic 3: 1 asked, unanswered.
        seen(7, topic=3, correct=False, order=1),
    ]
    mastery = topic_mastery(sightings, mastered={2, 7, 99})
    assert {t: (m.asked, m.correct, m.share, m.missed, m.mastered) for t, m in mastery.items()} == {
        1: (4, 2, 50, 2, 1),
        2: (3, 3, 100, 0, 0),
        3: (1, 0, 0, 1, 1),
    }


@pytest.mark.parametrize(
    ("content", "timing", "rounds", "now", "expected"),
    [
        ("score", "immediately", [], DURING, False),
        ("score", "after_contest", [], AFTER, False),
        ("answers", "immediately", [], DURING, True),
        ("explanations", "immediately", [], BEFORE, True),
        ("answers", "after_contest", [], DURING, False),
        ("answers", "after_contest", [], CLOSES, True),
        ("answers", "after_round", [DURING], DURING - SECOND, False),
        ("answers", "after_round", [DURING], DURING, True),
        ("answers", "after_round", [], DURING, False),
        ("answers", "after_round", [], AFTER, True),
    ],
)
def test_review_may_be_open(content, timing, rounds, now, expected):
    assert (
        review_may_be_open(
            review_content=content,
            review_timing=timing,
            closes_at=CLOSES,
            round_closes=rounds,
            now=now,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("is_participant", "reviewable", "missed", "code"),
    [
        (True, 1, 3, None),
        (False, 1, 3, "not_participant"),
        (True, 0, 0, "not_yet"),
        (True, 0, 5, "not_yet"),
        (True, 2, 0, "nothing_missed"),
    ],
)
def test_review_refusal(is_participant, reviewable, missed, code):
    refusal = review_refusal(is_participant=is_participant, reviewable=reviewable, missed=missed)
    assert (refusal.code if refusal else None) == code
