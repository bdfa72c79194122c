"""Matching a contest's roster to its registrations (participants.rules.roster decides).

Set-wise: one SELECT finds, for every roster row of the contest, the registration its CCCD
finds and the one its phone finds (two index joins, whatever the size); the rule decides in
Python (one pass, no query per row); one UPDATE writes only the rows whose match changed
(PostgreSQL: UPDATE … FROM unnest of two arrays; elsewhere, the embedded SQLite demo,
bulk_update in batches). 100,000 rows against 1.5 million registrations: benchmarks/
roster_bench.py.

The whole contest is matched at once, never a part of it: a registration may be claimed by
rows of two units, and only the whole roster can say which claim wins. What it writes is
derived (a link and its time), so a district running it changes nothing another district
typed; running it twice changes nothing the second time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contests.models import Contest
from participants.models import DocumentType, Participant, Registration, RosterEntry
from participants.rules.roster import (
    BY_DOCUMENT,
    BY_PHONE,
    CONFLICT,
    DUPLICATE,
    Candidate,
    claims_resolve,
    match_decide,
)

UPDATE_BATCH = 5000


def _version_key(contest_id: int) -> str:
    return f"roster-version:{contest_id}"


def roster_version(*, contest_id: int) -> int:
    """A number that changes whenever a match has run for the contest (every import runs
    one): part of the key under which reports cache what they read from the roster."""
    return cache.get(_version_key(contest_id)) or 0


@dataclass
class MatchReport:
    """What a match found; `unclear` are the row ids left unmatched because their keys point
    at two people or another row holds the same registration (a person must look)."""

    rows: int = 0
    matched: int = 0
    by_document: int = 0
    by_phone: int = 0
    changed: int = 0
    unclear: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "Đã đối chiếu %(rows)s người trong danh sách: %(matched)s người đã đăng ký dự thi "
            "(%(doc)s theo số CCCD, %(phone)s theo số điện thoại), %(left)s người chưa đăng ký."
        ) % {
            "rows": number_format(self.rows, force_grouping=True),
            "matched": number_format(self.matched, force_grouping=True),
            "doc": number_format(self.by_document, force_grouping=True),
            "phone": number_format(self.by_phone, force_grouping=True),
            "left": number_format(self.rows - self.matched, force_grouping=True),
        }
        if self.unclear:
            text += " " + _(
                "%(n)s người cần kiểm tra lại: số CCCD và số điện thoại trong danh sách thuộc "
                "hai người đăng ký khác nhau, hoặc trùng với một người khác trong danh sách."
            ) % {"n": number_format(len(self.unclear), force_grouping=True)}
        return text


def _candidates(contest_id: int) -> list[tuple[int, int | None, Candidate]]:
    """(row id, its current registration id, what its keys find) for every roster row."""
    entry = RosterEntry._meta.db_table
    reg = Registration._meta.db_table
    person = Participant._meta.db_table
    sql = f"""
        SELECT e.id, e.registration_id, e.document_number, rd.id, rp.id
        FROM {entry} e
        LEFT JOIN {reg} rd
               ON e.document_number <> '' AND rd.contest_id = e.contest_id
              AND rd.document_type = %s AND rd.document_number = e.document_number
        LEFT JOIN {person} p ON e.phone <> '' AND p.phone = e.phone
        LEFT JOIN {reg} rp ON rp.contest_id = e.contest_id AND rp.participant_id = p.id
        WHERE e.contest_id = %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [DocumentType.CCCD, contest_id])
        return [
            (row_id, current, Candidate(document, by_doc, by_phone))
            for row_id, current, document, by_doc, by_phone in cursor.fetchall()
        ]


def _write(changes: list[tuple[int, int | None]]) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":
        entry = RosterEntry._meta.db_table
        sql = f"""
            UPDATE {entry} AS e
            SET registration_id = v.reg,
                matched_at = CASE WHEN v.reg IS NULL THEN NULL ELSE %s END
            FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, reg)
            WHERE e.id = v.id
        """  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(changes), 50_000):
                part = changes[start : start + 50_000]
                cursor.execute(sql, [now, [c[0] for c in part], [c[1] for c in part]])
        return
    objects = [
        RosterEntry(pk=row_id, registration_id=reg, matched_at=now if reg else None)
        for row_id, reg in changes
    ]
    RosterEntry.objects.bulk_update(
        objects, ["registration", "matched_at"], batch_size=UPDATE_BATCH
    )


def roster_match(*, contest: Contest) -> MatchReport:
    """Link every roster row of `contest` to the registration it matches (or to none), by the
    one rule (participants.rules.roster). Guarantees: the result depends only on the current
    rows (running it again changes nothing); a row's link and time change only when its
    match does; a registration is linked to one row at most; all in one transaction."""
    report = MatchReport()
    with transaction.atomic():
        rows = _candidates(contest.pk)
        current = {row_id: reg for row_id, reg, _c in rows}
        decided = claims_resolve(
            (row_id, match_decide(candidate)) for row_id, _reg, candidate in rows
        )
        changes = []
        for row_id, decision in decided.items():
            report.rows += 1
            if decision.registration_id is not None:
                report.matched += 1
                if decision.how == BY_DOCUMENT:
                    report.by_document += 1
                elif decision.how == BY_PHONE:
                    report.by_phone += 1
            elif decision.how in (CONFLICT, DUPLICATE):
                report.unclear.append(row_id)
            if current[row_id] != decision.registration_id:
                changes.append((row_id, decision.registration_id))
        if changes:
            _write(changes)
        report.changed = len(changes)
    report.unclear.sort()
    # After the commit, so that a report cached meanwhile is not kept under the new version.
    transaction.on_commit(lambda: cache.set(_version_key(contest.pk), time.time_ns(), None))
    return report
