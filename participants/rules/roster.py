"""How a roster row (participants.RosterEntry: a person who must take part) is matched to a
registration of the same contest. Pure: the service (participants.roster.matching) fetches
the candidates set-wise and asks here; tests/participants/test_roster_rules.py holds the
tables.

The keys are the ones registration itself normalises (participants.identity): the CCCD
number (12 digits, separators stripped) and the mobile phone (E.164). A registration's CCCD
is unique in a contest (a database constraint), and so is its phone (one account per phone,
one registration per account and contest), so each key finds at most one registration.

Decision for one row:
- the CCCD finds a registration: that one, unless the phone finds a *different* one (two
  people: the row is ambiguous and left unmatched for a person to check);
- only the phone finds one: that one if the row has no CCCD; a row whose CCCD is given but
  found nothing while its phone found someone registered with another number is ambiguous
  (a relative's phone, or a typo in the list: a person must look);
- nothing found: not matched (not registered yet).
Then across rows (`claims_resolve`): a registration is claimed by one row at most; a CCCD
claim beats phone claims, and two claims of the same strength are all left unmatched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from participants import identity

BY_DOCUMENT = "document"
BY_PHONE = "phone"
NONE = "none"
CONFLICT = "conflict"  # the row's keys point at two people, or its CCCD disagrees
DUPLICATE = "duplicate"  # another row claims the same registration as strongly


def roster_document(raw: object) -> str:
    """A roster cell's CCCD number, normalised as registration does ("" when empty).
    Raises ValidationError with registration's Vietnamese message (leading zero lost, length,
    digits); a province code outside the 63 is accepted (births registered abroad exist, and
    a roster is not where that is checked)."""
    if identity.strip_separators(raw) == "":
        return ""
    return identity.parse_cccd(raw, foreign_birth_confirmed=True).number


def roster_phone(raw: object) -> str:
    """A roster cell's mobile phone in E.164 ("" when empty); ValidationError as in
    registration otherwise."""
    if identity.strip_separators(raw) == "":
        return ""
    return identity.normalise_phone(raw)


@dataclass(frozen=True)
class Candidate:
    """What the keys of one roster row found: the registration its CCCD finds, the one its
    phone finds, and the CCCD that the phone's registration carries."""

    row_document: str
    by_document: int | None
    by_phone: int | None


@dataclass(frozen=True)
class Decision:
    registration_id: int | None
    how: str  # BY_DOCUMENT, BY_PHONE, NONE, CONFLICT or DUPLICATE


def match_decide(candidate: Candidate) -> Decision:
    """One row on its own (the module docstring's first list)."""
    doc, phone = candidate.by_document, candidate.by_phone
    if doc is not None:
        if phone is not None and phone != doc:
            return Decision(None, CONFLICT)
        return Decision(doc, BY_DOCUMENT)
    if phone is not None:
        if candidate.row_document:
            return Decision(None, CONFLICT)
        return Decision(phone, BY_PHONE)
    return Decision(None, NONE)


def claims_resolve(decisions: Iterable[tuple[int, Decision]]) -> dict[int, Decision]:
    """Row id -> final decision: a registration goes to its one CCCD claimant, else to its
    one phone claimant; several claimants of the same (strongest) kind all become DUPLICATE,
    and weaker claimants of a registration someone else holds become DUPLICATE too."""
    decisions = list(decisions)
    claims: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row_id, decision in decisions:
        if decision.registration_id is not None:
            claims[decision.registration_id].append((row_id, decision.how))
    winner: dict[int, int | None] = {}
    for registration_id, rows in claims.items():
        strongest = BY_DOCUMENT if any(h == BY_DOCUMENT for _r, h in rows) else BY_PHONE
        top = [r for r, h in rows if h == strongest]
        winner[registration_id] = top[0] if len(top) == 1 else None
    out: dict[int, Decision] = {}
    for row_id, decision in decisions:
        registration_id = decision.registration_id
        if registration_id is None or winner[registration_id] == row_id:
            out[row_id] = decision
        else:
            out[row_id] = Decision(None, DUPLICATE)
    return out


def key_problem(*, document: str, phone: str) -> ValidationError | None:
    """A row must carry at least one key, or it can never be matched."""
    if document or phone:
        return None
    return ValidationError(
        _("cần ít nhất số CCCD hoặc số điện thoại để đối chiếu."), code="roster_no_key"
    )
