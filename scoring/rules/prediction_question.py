"""Which prediction question a ranking uses (pure): the contest's, or a round's own.

A round with its own question (`Round.prediction_text`) counts its own target
(`Round.prediction_target`); a round without one is ranked on the contest's question (asked
again every round, as contests did before rounds had questions), counted over the round's
attempts. The contest's overall ranking uses the contest's question. The test page asks the
`text` of the question its attempt's round is ranked on (a week's own question, not the
contest's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    asked: bool  # there is a question whose true value the ranking needs
    target: str  # what its true value counts (Contest.PredictionTarget)
    text: str = ""  # the question as the test page asks it


def prediction_question(contest, round=None) -> Question:  # noqa: A002
    if round is not None and round.prediction_text:
        return Question(asked=True, target=round.prediction_target, text=round.prediction_text)
    return Question(
        asked=bool(contest.prediction_text),
        target=contest.prediction_target,
        text=contest.prediction_text,
    )
