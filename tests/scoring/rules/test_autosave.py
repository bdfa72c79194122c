"""scoring.rules.autosave: which numbered batch is written, and when a batch is held."""

import pytest

from scoring.rules.autosave import batch_applies, batch_held


@pytest.mark.parametrize(
    ("seq", "stored_seq", "applies"),
    [
        (None, 0, True),  # the no-JS "save" button: always written
        (None, 9, True),
        (1, 0, True),  # the first batch of an attempt
        (5, 4, True),
        (5, 5, False),  # a replay
        (4, 5, False),  # overtaken by a newer batch
        (1, 2**31 - 1, False),
    ],
)
def test_batch_applies(seq, stored_seq, applies):
    assert batch_applies(seq=seq, stored_seq=stored_seq) is applies


@pytest.mark.parametrize(
    ("answers", "prediction", "stored_answers", "stored_prediction", "held"),
    [
        ({}, None, {}, None, True),
        ({"7": 71}, None, {"7": 71, "8": 80}, None, True),
        ({"7": 71}, None, {"7": "71"}, None, True),  # a row written as text by older code
        ({"7": 71}, None, {"7": 72}, None, False),  # another tab's newer choice
        ({"7": 71, "8": 81}, None, {"7": 71}, None, False),  # one answer missing
        ({"7": 71}, 52812, {"7": 71}, 52812, True),
        ({"7": 71}, 52812, {"7": 71}, 5, False),
        ({"7": 71}, 52812, {"7": 71}, None, False),
        ({"7": 71}, None, {"7": 71}, 5, True),  # no prediction in the batch: not compared
    ],
)
def test_batch_held(answers, prediction, stored_answers, stored_prediction, held):
    assert (
        batch_held(
            answers=answers,
            prediction=prediction,
            stored_answers=stored_answers,
            stored_prediction=stored_prediction,
        )
        is held
    )
