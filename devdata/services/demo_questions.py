"""The demo's question bank, kept as data in the bank's own import format.

`devdata/data/demo_questions.tsv` is UTF-8, tab-separated, one question a line, under the
importer's header row (`contests.services.question_import.HEADERS`): reviewable in a diff and
editable in any spreadsheet program. At seed time its rows are written into the importer's
own template workbook and fed to the real importer, so the demo exercises the path an
organiser's upload takes (header check, every row check, the change log)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from contests.models import Contest, Question, Topic
from contests.services.question_import import (
    COL_TEXT,
    COL_TOPIC,
    HEADERS,
    SHEET_NAME,
    ImportResult,
    question_bank_import,
    question_bank_template,
    question_text_key,
)

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_questions.tsv"


def demo_question_rows(path: Path = QUESTIONS_FILE) -> list[list[str]]:
    """The file's rows, header first (the importer checks the header, so this does not)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if any(row)]


def demo_questions_import(*, contest: Contest, path: Path = QUESTIONS_FILE) -> ImportResult:
    """Create the file's topics in `contest`, then import the questions the bank does not
    have yet through `question_bank_import`. Idempotent: the importer refuses a question
    already in the bank, so those rows are left out of the workbook, and a second run
    imports nothing."""
    header, *rows = demo_question_rows(path)
    for name in dict.fromkeys(row[COL_TOPIC] for row in rows):
        Topic.objects.get_or_create(contest=contest, name=name)
    bank = {
        question_text_key(text)
        for text in Question.objects.filter(contest=contest, is_active=True).values_list(
            "text", flat=True
        )
    }
    missing = [row for row in rows if question_text_key(row[COL_TEXT]) not in bank]
    if not missing:
        return ImportResult()
    workbook = load_workbook(io.BytesIO(question_bank_template(contest=contest)))
    sheet = workbook[SHEET_NAME]
    for row in [header, *missing]:
        sheet.append(row[: len(HEADERS)])
    # The template already holds the header: the file's own header replaces it, so a file
    # written for another format is refused by the importer, not silently re-labelled.
    sheet.delete_rows(1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return question_bank_import(contest=contest, data=buffer.getvalue())
