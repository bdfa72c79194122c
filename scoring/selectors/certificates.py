"""Reads for certificates: who gets one for a published snapshot, a certificate by its public
token and whether it is still in force, who may download it, and a citizen's own.

Who gets one (`certificates_wanted`): every individual prize row of the snapshot, one
certificate per row; and, when the contest sets `certificate_min_score`, everyone else in the
contest-level ranking (disqualified and excluded people left out, as in the prize list) whose
best score reaches it. What a certificate certifies is named by its `award_key`, so that a
later version with the same award keeps the certificate already printed, and one without it
revokes it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from contests.models import Contest, PrizeTier
from contests.selectors import path_prefix_for
from scoring.models import Certificate, ResultsSnapshot
from scoring.selectors.results import in_pages, results_ranked


@dataclass(frozen=True)
class Wanted:
    registration_id: int
    kind: str
    award_key: str
    award: str
    public_name: str = ""  # as frozen in the snapshot's row, when it has one


def score_text(score) -> str:
    """92.5 → "92,50" (Vietnamese decimal comma)."""
    return f"{Decimal(score):.2f}".replace(".", ",")


def certificates_wanted(*, contest: Contest, snapshot: ResultsSnapshot) -> list[Wanted]:
    wanted: list[Wanted] = []
    winners: set[int] = set()
    for row in snapshot.prizes:
        if row.get("kind") != PrizeTier.Kind.INDIVIDUAL or not row.get("registration_id"):
            continue
        winners.add(row["registration_id"])
        wanted.append(
            Wanted(
                registration_id=row["registration_id"],
                kind=Certificate.Kind.PRIZE,
                award_key=f"prize:{row['structure_id']}:{row['tier']}",
                award=_("%(tier)s — %(structure)s")
                % {"tier": row["tier"], "structure": row["structure"]},
                public_name=row.get("public_name", ""),
            )
        )
    threshold = contest.certificate_min_score
    if threshold is not None:
        ranked = results_ranked(contest=contest).filter(score__gte=threshold)
        for result in in_pages(ranked.exclude(registration_id__in=winners)):
            score = score_text(result.score)
            wanted.append(
                Wanted(
                    registration_id=result.registration_id,
                    kind=Certificate.Kind.SCORE,
                    award_key=f"score:{result.score:.2f}",
                    award=_("Đạt %(score)s điểm (thang điểm 100)") % {"score": score},
                )
            )
    return wanted


def certificate_by_token(token: str) -> Certificate | None:
    token = (token or "").strip()
    if not token or len(token) > 32:
        return None
    return (
        Certificate.objects.select_related("contest", "snapshot", "registration__participant")
        .filter(token=token)
        .first()
    )


def certificate_downloadable(*, user, certificate: Certificate) -> bool:
    """The person it names (the account that registered), or an organiser whose subtree holds
    the contest's owner unit or the person's unit."""
    if not user.is_authenticated:
        return False
    if certificate.registration.participant.user_id == user.pk:
        return True
    if not user.is_staff:
        return False
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return False
    unit_path = certificate.registration.unit.path
    return unit_path.startswith(prefix) or certificate.contest.owner_unit.path.startswith(prefix)


def certificates_of_user(*, user) -> list[Certificate]:
    """A citizen's certificates in force, newest contest first."""
    if not user.is_authenticated:
        return []
    return list(
        Certificate.objects.filter(registration__participant__user=user, revoked_at__isnull=True)
        .select_related("contest")
        .order_by("-contest__closes_at", "id")
    )


def certificate_in_force(certificate: Certificate, *, latest: ResultsSnapshot | None) -> bool:
    """Not revoked, and — for a prize — still in the latest published version. A new version
    revokes the certificates it no longer has when its certificates are made; until then the
    prize rows of the latest version already decide, so that the public page never vouches for
    a prize that a correction took away."""
    if certificate.revoked_at is not None:
        return False
    if certificate.kind != Certificate.Kind.PRIZE or latest is None:
        return True
    if latest.pk == certificate.snapshot_id:
        return True
    return any(
        row.get("registration_id") == certificate.registration_id
        and f"prize:{row.get('structure_id')}:{row.get('tier')}" == certificate.award_key
        for row in latest.prizes
    )
