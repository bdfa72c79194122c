"""Autosave batches from the page's script (static/js/attempt.js): which batch is written, and
when the server can say it holds a batch. Pure functions; `scoring.services.attempts` calls
them (its PostgreSQL UPDATE states `batch_applies` as `autosave_seq < %s`).

The page numbers its batches (1, 2, 3 … per attempt, carried across reloads in localStorage)
and every batch carries *every* answer the server has not yet acknowledged. So a batch that
arrives after a newer one holds nothing the newer one lacks, and skipping it loses nothing;
writing it would put older answers over newer ones."""

from __future__ import annotations

# The column is a PostgreSQL integer; a page sends one batch per minute or so.
SEQ_MAX = 2**31 - 1


def batch_applies(*, seq: int | None, stored_seq: int) -> bool:
    """A numbered batch is written only over older ones; an unnumbered one (the no-JavaScript
    "save" button's form post) always."""
    return seq is None or seq > stored_seq


def batch_held(
    *,
    answers: dict[str, int],
    prediction: int | None,
    stored_answers: dict,
    stored_prediction: int | None,
) -> bool:
    """True when the stored row already holds every answer of a batch (and its prediction):
    the reply to a batch that was not written (a replay, or one overtaken by a newer batch)
    says "saved" only then. Stored values are compared as text: rows written by older code
    may hold "12" where the batch has 12."""
    if prediction is not None and prediction != stored_prediction:
        return False
    return all(str(stored_answers.get(key)) == str(value) for key, value in answers.items())
