"""Roll-ups (a cache of the raw rows, never a second truth) and export jobs.

Every roll-up row exists twice in spirit: an *own* row counts the registrations whose unit is
exactly that unit, a *subtree* row (own=False) counts the unit and everything below it. The own
rows are what the incremental refresh recomputes exactly for the units it touched; subtree rows
are sums of own rows and are rebuilt for the touched units' ancestors. The dashboard, the
summary and the exports read subtree rows only.

`round_key` is 0 for the whole contest and a round's id for that round alone (a plain integer,
not a nullable key, so that the unique constraints hold on SQLite and PostgreSQL alike)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Category, Contest, Round, Unit

# The roll-up tables' foreign keys: a cache of the raw rows, rebuilt from them, so no database
# constraint (the deferred checks of 100,000 written rows cost about 0.4 s at COMMIT) and no
# index of their own where the (contest, round_key, own, unit, …) index leads with the column.
# Deleting a unit or a contest still deletes its rows (Django's cascade).
_CACHE_KEY = {"on_delete": models.CASCADE, "db_constraint": False, "db_index": False}


class UnitRollup(models.Model):
    """Per contest × round × unit × block × age group × category: registrants, participants
    (distinct people with a graded attempt), graded attempts, attempts with every answer
    correct, and the sum of the participants' best scores (for the mean). `category` is the
    registration's (contests.Category; null: none yet)."""

    contest = models.ForeignKey(Contest, related_name="+", **_CACHE_KEY)
    round_key = models.BigIntegerField(default=0)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    own = models.BooleanField(default=False)
    block = models.ForeignKey(Unit, null=True, related_name="+", **_CACHE_KEY)
    age_group = models.CharField(max_length=5)
    category = models.ForeignKey(Category, null=True, related_name="+", **_CACHE_KEY)
    registrants = models.BigIntegerField(default=0)
    participants = models.BigIntegerField(default=0)
    attempts = models.BigIntegerField(default=0)
    perfect_attempts = models.BigIntegerField(default=0)
    best_score_sum = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "số liệu tổng hợp theo đơn vị")
        indexes = [models.Index(fields=["contest", "round_key", "own", "unit"])]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.round_key}/{self.unit_id}/{self.age_group}"


class DailyRollup(models.Model):
    """Per contest × round × unit × day (Asia/Ho_Chi_Minh date of the finish time)."""

    contest = models.ForeignKey(Contest, related_name="+", **_CACHE_KEY)
    round_key = models.BigIntegerField(default=0)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    own = models.BooleanField(default=False)
    day = models.DateField()
    # Distinct people with a graded attempt finished that day.
    participants = models.BigIntegerField(default=0)
    # People whose first graded attempt was finished that day (these add up over a range).
    new_participants = models.BigIntegerField(default=0)
    attempts = models.BigIntegerField(default=0)
    perfect_attempts = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = pgettext_lazy("plural", "số liệu tổng hợp theo ngày")
        indexes = [models.Index(fields=["contest", "round_key", "own", "unit", "day"])]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.round_key}/{self.unit_id}/{self.day}"


class ScoreRollup(models.Model):
    """Per contest × round × unit × best number of correct answers: how many people."""

    contest = models.ForeignKey(Contest, related_name="+", **_CACHE_KEY)
    round_key = models.BigIntegerField(default=0)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    own = models.BooleanField(default=False)
    correct_count = models.IntegerField()
    participants = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phân bố điểm")
        verbose_name_plural = pgettext_lazy("plural", "phân bố điểm")
        indexes = [models.Index(fields=["contest", "round_key", "own", "unit"])]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.round_key}/{self.unit_id}/{self.correct_count}"


class RollupState(models.Model):
    """Where the incremental refresh of a contest's roll-ups stands."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="+")
    # Attempts graded at or after (graded_watermark - a safety lag) are looked at again.
    graded_watermark = models.DateTimeField(null=True, blank=True)
    registration_watermark = models.BigIntegerField(default=0)
    # reports.services.rollups: the fingerprint of the contest's unit tree the subtree rows
    # were summed over (RollupTree); a moved unit changes it and the next refresh re-sums.
    tree_hash = models.CharField(max_length=40, blank=True, default="")
    recomputed_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái tổng hợp")
        verbose_name_plural = pgettext_lazy("plural", "trạng thái tổng hợp")

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.graded_watermark}"


class RollupTree(models.Model):
    """The contest's participation tree as (ancestor, descendant) unit id pairs, each unit
    its own ancestor: the subtree roll-ups are sums of own rows joined with it (after the
    own rows are aggregated, so the raw rows are never multiplied by the tree's depth).
    Rewritten whenever the tree's fingerprint (RollupState.tree_hash) changes. Plain ids,
    not foreign keys: a derived table, checked against the tree on every refresh."""

    contest = models.ForeignKey(Contest, related_name="+", **_CACHE_KEY)
    ancestor = models.BigIntegerField()
    descendant = models.BigIntegerField()

    class Meta:
        verbose_name = _("cây đơn vị để tổng hợp")
        verbose_name_plural = pgettext_lazy("plural", "cây đơn vị để tổng hợp")
        indexes = [models.Index(fields=["contest", "descendant", "ancestor"])]

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.ancestor} ⊇ {self.descendant}"


class ExportJob(models.Model):
    """An Excel export run by a worker: who asked, what, how far, the file, when it expires."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Báo cáo tổng hợp")
        RESULTS = "results", _("Kết quả xếp hạng")
        UNITS = "units", _("Tỷ lệ tham gia theo đơn vị")
        PRIZES = "prizes", _("Danh sách giải thưởng")
        QUESTIONS = "questions", _("Ngân hàng câu hỏi")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The round a results or prize list export is about (null: the whole contest, ranked by
    # its cumulative rule).
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Unmasked document numbers and phones (the owner had participants.view_full_identity).
    full_identity = models.BooleanField(default=False)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    rows_written = models.BigIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/%d/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất Excel")
        verbose_name_plural = pgettext_lazy("plural", "tệp xuất Excel")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class BoardSnapshot(models.Model):
    """One version of a day's official board (bảng tổng sắp): the participation figures per
    unit up to 24:00 of `day`, frozen, with the sha256 of their canonical JSON.

    Immutable: reports.services.board only ever inserts (no update path; the admin is read
    only). A later change of the raw rows (a regrade, a late grade, a disqualification) never
    rewrites a published day: it is published as a new version that `corrects` the previous
    one, with `changes` saying what changed. The database keeps one row per (contest, day,
    version), so two workers freezing the same day cannot both succeed."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="+", verbose_name=_("cuộc thi")
    )
    day = models.DateField(_("số liệu đến hết ngày"))
    version = models.PositiveIntegerField(_("phiên bản"))
    # The version this one replaces (version - 1), for a correction; empty for the first.
    corrects = models.PositiveIntegerField(_("đính chính phiên bản"), null=True, blank=True)
    figures = models.JSONField(_("số liệu"))
    content_hash = models.CharField(_("mã băm SHA-256"), max_length=64)
    changes = models.JSONField(_("nội dung đính chính"), default=list, blank=True)
    made_at = models.DateTimeField(_("thời điểm chốt"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người đính chính"),
    )

    class Meta:
        verbose_name = _("bảng tổng sắp")
        verbose_name_plural = pgettext_lazy("plural", "bảng tổng sắp")
        ordering = ["contest", "-day", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "day", "version"], name="board_snapshot_version_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(version=1, corrects__isnull=True)
                    # corrects NULL would make the comparison unknown, which a CHECK lets
                    # pass: it is required explicitly.
                    | models.Q(
                        version__gt=1,
                        corrects__isnull=False,
                        corrects=models.F("version") - 1,
                    )
                ),
                name="board_snapshot_corrects_previous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.day}/v{self.version}"
