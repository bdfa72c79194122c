"""The publishing of results. `results_publish` (the only way to publish results: the admin's
buttons call it) checks, freezes the prize allocation (`scoring.selectors.prizes`) into a
ResultsSnapshot that later changes cannot alter and moves the contest's status, in one
transaction.

A round's results (`round=`: a week's prizes) are published the same way into a snapshot of
that round (versions count per round), once the round has closed, every attempt of it is
graded and its prediction question (if it has one) has its true value; the contest's status
does not change, and the contest may still be open. Provisional publication and appeals stay
with the contest's overall results."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, ContestChange, Round
from contests.selectors import path_prefix_for
from contests.services.contests import contest_results_published_mark, results_publish_problems
from contests.templatetags.contest_tags import vn_time
from scoring.models import Attempt, RegradeJob, ResultsSnapshot
from scoring.rules.prediction_question import prediction_question
from scoring.rules.results_diff import prize_changes
from scoring.selectors.appeals import appeals_pending_count
from scoring.selectors.prizes import prizes_allocate
from scoring.selectors.public_results import winners_cache_clear
from scoring.services.published_ranks import published_ranks_fill

# How long a provisional publication may stay open to appeals.
PROVISIONAL_DAYS_MAX = 60


def results_publish_refusals(
    *, contest: Contest, replaces: int | None = None, latest: int | None = None
) -> list[str]:
    """Why results of `contest` (as locked and read now) cannot be published, one Vietnamese
    sentence each; [] when they can. First publication (`replaces` None): the contest must be
    closed. A new version (`replaces` = the version the organiser saw): results must already
    be published and `replaces` still the latest version (`latest`), so a double click or two
    organisers at once make one new version, not two. Then contests' checks (prediction
    answers, attempts open or ungraded) and no regrade still queued or running."""
    status = contest.status
    if status in (Contest.Status.DRAFT, Contest.Status.PUBLISHED):
        return [_("Cuộc thi chưa kết thúc: chưa thể công bố kết quả.")]
    if replaces is None and status == Contest.Status.RESULTS_PUBLISHED:
        return [
            _(
                "Kết quả cuộc thi đã được công bố (phiên bản %(version)s). Muốn công bố lại, "
                "hãy bấm “Công bố lại kết quả (phiên bản mới)”."
            )
            % {"version": latest}
        ]
    if replaces is not None and (status != Contest.Status.RESULTS_PUBLISHED or latest is None):
        return [_("Kết quả cuộc thi chưa được công bố lần nào: hãy bấm “Công bố kết quả”.")]
    if replaces is not None and replaces != latest:
        return [
            _(
                "Kết quả vừa được công bố lại (phiên bản %(version)s) trong lúc bạn xem trang: "
                "hãy tải lại trang, xem danh sách giải rồi quyết định."
            )
            % {"version": latest}
        ]
    problems = results_publish_problems(contest=contest)
    running = RegradeJob.objects.filter(
        contest=contest, status__in=[RegradeJob.Status.QUEUED, RegradeJob.Status.RUNNING]
    ).count()
    if running:
        problems.append(
            _("Còn %(count)d đợt chấm lại chưa xong: hãy chờ chấm lại xong rồi công bố.")
            % {"count": running}
        )
    return problems


def round_publish_refusals(
    *,
    contest: Contest,
    round: Round,  # noqa: A002
    now: datetime.datetime,
    replaces: int | None = None,
    latest: int | None = None,
) -> list[str]:
    """Why the results of `round` (as locked and read now) cannot be published, one Vietnamese
    sentence each; [] when they can. The contest must be under way or over (not a draft), the
    round closed (`closes_at` passed); first publication (`replaces` None) only while the
    round has none, a new version only over the latest (`latest`), as for the contest. Then
    the round's own checks, in the pattern of the contest's: its prediction question's true
    value, no attempt of it open or ungraded, no regrade queued or running."""
    if contest.status == Contest.Status.DRAFT:
        return [_("Cuộc thi chưa được công bố: chưa thể công bố kết quả vòng thi.")]
    if round.closes_at > now:
        return [
            _("Vòng thi “%(round)s” chưa kết thúc (kết thúc lúc %(at)s): chưa thể công bố kết quả.")
            % {"round": round.title, "at": vn_time(round.closes_at)}
        ]
    if replaces is None and latest is not None:
        return [
            _(
                "Kết quả vòng thi “%(round)s” đã được công bố (phiên bản %(version)s). Muốn công "
                "bố lại, hãy bấm “Công bố lại kết quả vòng (phiên bản mới)”."
            )
            % {"round": round.title, "version": latest}
        ]
    if replaces is not None and latest is None:
        return [
            _(
                "Kết quả vòng thi “%(round)s” chưa được công bố lần nào: hãy bấm “Công bố "
                "kết quả vòng”."
            )
            % {"round": round.title}
        ]
    if replaces is not None and replaces != latest:
        return [
            _(
                "Kết quả vòng thi “%(round)s” vừa được công bố lại (phiên bản %(version)s) trong "
                "lúc bạn xem trang: hãy tải lại trang, xem danh sách giải rồi quyết định."
            )
            % {"round": round.title, "version": latest}
        ]
    problems = []
    if prediction_question(contest, round).asked and round.prediction_actual is None:
        problems.append(
            _("Chưa có đáp án câu hỏi dự đoán của vòng “%(round)s” (dùng để xếp hạng).")
            % {"round": round.title}
        )
    pending = Attempt.objects.filter(
        round=round, status__in=[Attempt.Status.OPEN, Attempt.Status.SUBMITTED]
    ).count()
    if pending:
        problems.append(
            _("Vòng thi còn %(count)d bài thi chưa chấm xong: hãy chờ chấm xong rồi công bố.")
            % {"count": pending}
        )
    running = RegradeJob.objects.filter(
        contest=contest, status__in=[RegradeJob.Status.QUEUED, RegradeJob.Status.RUNNING]
    ).count()
    if running:
        problems.append(
            _("Còn %(count)d đợt chấm lại chưa xong: hãy chờ chấm lại xong rồi công bố.")
            % {"count": running}
        )
    return problems


def provisional_refusals(
    *,
    contest: Contest,
    previous: ResultsSnapshot | None,
    provisional_days: int | None,
    now: datetime.datetime,
) -> list[str]:
    """Why this publication cannot be made as asked, provisional or final. Provisional: for 1 to
    PROVISIONAL_DAYS_MAX days, and not after a final version (appeals, once closed, are not
    reopened). Final after a provisional version: only once its appeal period is over and
    every appeal is answered."""
    if provisional_days is not None:
        if not 1 <= provisional_days <= PROVISIONAL_DAYS_MAX:
            return [
                _("Số ngày nhận phúc khảo phải là số nguyên từ 1 đến %(max)d.")
                % {"max": PROVISIONAL_DAYS_MAX}
            ]
        if previous is not None and previous.provisional_until is None:
            return [
                _(
                    "Kết quả đã được công bố chính thức (phiên bản %(version)s): không thể "
                    "công bố lại dưới dạng tạm thời."
                )
                % {"version": previous.version}
            ]
        return []
    if previous is None or previous.provisional_until is None:
        return []
    problems = []
    if now < previous.provisional_until:
        problems.append(
            _(
                "Kết quả tạm thời còn nhận phúc khảo đến %(until)s: chưa thể công bố kết quả "
                "chính thức trước thời hạn này."
            )
            % {"until": vn_time(previous.provisional_until)}
        )
    pending = appeals_pending_count(contest=contest)
    if pending:
        problems.append(
            _(
                "Còn %(count)d đơn phúc khảo chưa trả lời: hãy trả lời hết rồi công bố kết quả "
                "chính thức."
            )
            % {"count": pending}
        )
    return problems


def results_publish(
    *,
    contest: Contest,
    user,
    replaces: int | None = None,
    provisional_days: int | None = None,
    now: datetime.datetime | None = None,
    round: Round | None = None,  # noqa: A002
) -> ResultsSnapshot:
    """The one way to publish results: check, freeze the current prize allocation as a new
    snapshot version (JSON rows) with everyone's ranks (`published_ranks_fill`: what the
    results lookup shows) and, the first time, move the contest closed → results
    published — in one transaction under the contest's row lock, so the status never changes
    without a snapshot.

    `replaces`: None to publish for the first time; the latest version's number to publish a
    new version (recorded in ContestChange, what="results_published", version before/after).
    A snapshot is never modified; a new version records what changed against the previous one
    (`changes`: scoring.rules.results_diff). `provisional_days`: publish as provisional, open
    to appeals for that many days from `now` (`provisional_until`); None publishes final (see
    `provisional_refusals`). Refused with nothing written: PermissionDenied for an
    organiser outside the contest's owner unit; ValidationError listing every problem of
    `results_publish_refusals` and `provisional_refusals`.

    `round`: publish that round's results instead (`round_results_publish`)."""
    now = now or timezone.now()
    prefix = path_prefix_for(user=user)
    if prefix is None or not contest.owner_unit.path.startswith(prefix):
        raise PermissionDenied(_("Bạn không có quyền công bố kết quả của cuộc thi này."))
    if round is not None:
        return round_results_publish(
            contest=contest,
            round=round,
            user=user,
            replaces=replaces,
            provisional_days=provisional_days,
            now=now,
        )
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        previous = (
            ResultsSnapshot.objects.filter(contest=locked, round__isnull=True)
            .order_by("-version")
            .first()
        )
        latest = previous.version if previous else None
        problems = results_publish_refusals(contest=locked, replaces=replaces, latest=latest)
        if not problems:
            problems = provisional_refusals(
                contest=locked, previous=previous, provisional_days=provisional_days, now=now
            )
        if problems:
            raise ValidationError(problems)
        snapshot = _snapshot_freeze(
            contest=locked,
            round=None,
            previous=previous,
            user=user,
            provisional_until=(
                now + datetime.timedelta(days=provisional_days) if provisional_days else None
            ),
        )
        if locked.status == Contest.Status.CLOSED:
            contest_results_published_mark(contest=locked, user=user)
        if latest:
            ContestChange.objects.create(
                contest=locked,
                user=user,
                what="results_published",
                before={"version": latest},
                after={"version": snapshot.version},
            )
        contest.status = locked.status
        transaction.on_commit(lambda: winners_cache_clear(contest_id=locked.pk))
    return snapshot


def _snapshot_freeze(
    *,
    contest: Contest,
    round: Round | None,  # noqa: A002
    previous: ResultsSnapshot | None,
    user,
    provisional_until: datetime.datetime | None,
) -> ResultsSnapshot:
    """Freeze the prize allocation of the contest's overall results (round None) or of one
    round as the next snapshot version after `previous`, with what changed against it, and
    everyone's ranks. The caller holds the contest's row lock and has checked."""
    allocation = prizes_allocate(contest=contest, round=round)
    snapshot = ResultsSnapshot.objects.create(
        contest=contest,
        round=round,
        version=(previous.version if previous else 0) + 1,
        provisional_until=provisional_until,
        changes=prize_changes(previous.prizes, allocation.rows) if previous else None,
        prizes=allocation.rows,
        budget={
            "structures": allocation.budget,
            "planned": allocation.total_planned,
            "used": allocation.total_used,
        },
        published_by=user,
    )
    published_ranks_fill(snapshot=snapshot)
    return snapshot


def round_results_publish(
    *,
    contest: Contest,
    round: Round,  # noqa: A002
    user,
    replaces: int | None = None,
    provisional_days: int | None = None,
    now: datetime.datetime | None = None,
) -> ResultsSnapshot:
    """Publish one round's results: check (`round_publish_refusals`), freeze the round's prize
    allocation (`prizes_allocate(round=…)`: its structures over its ranking) as the round's
    next snapshot version with its ranks (`published_ranks_fill` ranks a round snapshot's
    round), and record it in ContestChange (what="results_published", round and versions) —
    in one transaction under the contest's row lock (so two publications of the contest or
    its rounds never interleave). The contest's status does not change. Refused with nothing
    written: PermissionDenied for an organiser outside the contest's owner unit;
    ValidationError with every problem (a round of another contest, a provisional
    publication: appeals are the overall results' only)."""
    now = now or timezone.now()
    prefix = path_prefix_for(user=user)
    if prefix is None or not contest.owner_unit.path.startswith(prefix):
        raise PermissionDenied(_("Bạn không có quyền công bố kết quả của cuộc thi này."))
    if round.contest_id != contest.pk:
        raise ValidationError(_("Vòng thi này không thuộc cuộc thi."))
    if provisional_days is not None:
        raise ValidationError(
            _(
                "Kết quả từng vòng được công bố chính thức; công bố tạm thời để nhận phúc khảo "
                "chỉ áp dụng cho kết quả chung của cuộc thi."
            )
        )
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        fresh = Round.objects.get(pk=round.pk)
        previous = (
            ResultsSnapshot.objects.filter(contest=locked, round=fresh).order_by("-version").first()
        )
        latest = previous.version if previous else None
        problems = round_publish_refusals(
            contest=locked, round=fresh, now=now, replaces=replaces, latest=latest
        )
        if problems:
            raise ValidationError(problems)
        snapshot = _snapshot_freeze(
            contest=locked, round=fresh, previous=previous, user=user, provisional_until=None
        )
        ContestChange.objects.create(
            contest=locked,
            user=user,
            what="results_published",
            before={"round": fresh.number, "version": latest},
            after={"round": fresh.number, "version": snapshot.version},
        )
        transaction.on_commit(lambda: winners_cache_clear(contest_id=locked.pk, round_id=fresh.pk))
    return snapshot
