"""What grading produces beyond the attempt and result rows: the audit of answer-key fixes and
the regrade jobs they start, disqualifications (reversible, audited), and the snapshot frozen
when results are published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest, Question, Round
from participants.models import Registration


class Disqualification(models.Model):
    """An organiser's decision to take a registration out of rankings and prizes. Never
    deleted: revoking it fills `revoked_at`/`revoked_by`, so the history stays readable."""

    class Reason(models.TextChoices):
        CHEATING = "cheating", _("Gian lận khi làm bài")
        DUPLICATE = "duplicate", _("Đăng ký trùng hoặc dùng danh tính của người khác")
        INELIGIBLE = "ineligible", _("Không thuộc đối tượng dự thi")
        FALSE_IDENTITY = "false_identity", _("Khai báo thông tin định danh không đúng")
        OTHER = "other", _("Lý do khác")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="disqualifications",
        verbose_name=_("đăng ký dự thi"),
    )
    # Denormalised from the registration: rankings filter on it.
    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("ghi chú"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thời điểm huỷ"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người huỷ"),
    )
    revoke_note = models.TextField(_("lý do huỷ"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("truất quyền dự thi")
        verbose_name_plural = pgettext_lazy("plural", "truất quyền dự thi")
        ordering = ["-created_at"]
        constraints = [
            # At most one decision in force per registration.
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="disqualification_one_active",
            )
        ]
        indexes = [
            models.Index(
                fields=["contest"],
                condition=Q(revoked_at__isnull=True),
                name="disqualification_active_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.reason_code}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RegradeJob(models.Model):
    """A background regrade of a contest's attempts (after an answer-key fix), in batches.
    `last_attempt_id` lets a redelivered job resume where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chấm lại")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="regrade_jobs"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("câu hỏi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("số bài cần chấm lại"), default=0)
    done = models.PositiveIntegerField(_("đã chấm lại"), default=0)
    last_attempt_id = models.BigIntegerField(verbose_name=_("bài thi cuối đã chấm lại"), default=0)
    error = models.TextField(verbose_name=_("lỗi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt chấm lại")
        verbose_name_plural = pgettext_lazy("plural", "đợt chấm lại")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.contest_id} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE or not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.done * 100 // self.total)


class AnswerKeyChange(models.Model):
    """An answer-key fix: the correct option ids before and after, who, when, and the regrade
    it started."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="key_changes", verbose_name=_("câu hỏi")
    )
    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="+"
    )
    before = models.JSONField(_("đáp án trước"))
    after = models.JSONField(_("đáp án sau"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người sửa"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    job = models.ForeignKey(
        RegradeJob,
        verbose_name=_("đợt chấm lại"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sửa đáp án")
        verbose_name_plural = pgettext_lazy("plural", "sửa đáp án")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.before} → {self.after}"


class ResultsSnapshot(models.Model):
    """Published results: the prize list frozen as JSON rows. Later regrades, disqualifications
    or edits change the live tables, never this; publishing again makes a new version."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="snapshots"
    )
    # A round's own results (its prizes and ranking); null: the contest's overall results.
    # Versions count per (contest, round).
    round = models.ForeignKey(
        Round,
        verbose_name=_("vòng thi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    version = models.PositiveIntegerField(verbose_name=_("phiên bản"))
    prizes = models.JSONField(verbose_name=_("giải thưởng"))
    budget = models.JSONField(verbose_name=_("kinh phí"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người công bố"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("công bố lúc"), auto_now_add=True)
    # Set when published as provisional: citizens may appeal until then; null = final.
    provisional_until = models.DateTimeField(_("tạm thời, nhận phúc khảo đến"), null=True)
    # What changed against the previous version (scoring.rules.results_diff rows); null for
    # the first version.
    changes = models.JSONField(_("thay đổi so với phiên bản trước"), null=True)
    # How many people each published rank is out of (scoring.services.published_ranks):
    # {"overall": n, "districts": {"<unit id>": n}, "age_groups": {"<group>": n}}; null for
    # snapshots published before ranks were frozen with them.
    rank_totals = models.JSONField(_("số người được xếp hạng"), null=True)

    class Meta:
        verbose_name = _("kết quả đã công bố")
        verbose_name_plural = pgettext_lazy("plural", "kết quả đã công bố")
        ordering = ["contest", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "version"],
                condition=Q(round__isnull=True),
                name="snapshot_version_unique",
            ),
            models.UniqueConstraint(
                fields=["contest", "round", "version"],
                condition=Q(round__isnull=False),
                name="snapshot_round_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} v{self.version}"

    @property
    def is_provisional(self) -> bool:
        return self.provisional_until is not None
