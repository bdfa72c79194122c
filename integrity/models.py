from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest
from participants.models import Registration
from scoring.models import Attempt


class AnomalyFlag(models.Model):
    """One registration or attempt that a detection rule (integrity.rules.anomalies) found
    suspicious, queued for an organiser, who clears it or disqualifies the person (through
    scoring's audited disqualification). Nothing is decided automatically.

    A flag is about one registration (kinds about sign-ups and habits) or one attempt of it
    (kinds about a test taken); `group_key` ties together the flags of one finding (the
    twenty registrations of one burst). Unique per kind and subject, so rerunning detection
    never adds a second flag for the same thing. The decision is recorded on the row (who,
    when, why) by a conditional UPDATE on status: a decided flag is never decided again."""

    class Kind(models.TextChoices):
        TOO_FAST = "too_fast", _("Đúng hết nhanh hơn tốc độ đọc")
        SAME_ANSWERS = "same_answers", _("Bài làm giống hệt từ cùng địa chỉ hoặc thiết bị")
        REGISTRATION_BURST = "registration_burst", _("Đăng ký dồn dập từ cùng địa chỉ")
        PHONE_SEQUENCE = "phone_sequence", _("Số điện thoại liên tiếp")
        REGULAR_INTERVALS = "regular_intervals", _("Nộp bài đều đặn như máy")

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xem xét")
        CLEARED = "cleared", _("Đã bỏ qua (không vi phạm)")
        DISQUALIFIED = "disqualified", _("Đã truất quyền dự thi")

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="+", verbose_name=_("cuộc thi")
    )
    kind = models.CharField(_("dấu hiệu"), max_length=20, choices=Kind.choices)
    # Always filled by detection (an attempt's flag carries its registration too): the admin
    # is scoped by the registration's unit, and disqualification acts on it.
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="anomaly_flags",
        verbose_name=_("đăng ký dự thi"),
    )
    attempt = models.ForeignKey(
        Attempt,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("bài thi"),
    )
    group_key = models.CharField(_("nhóm"), max_length=80, blank=True)
    # Figures only (durations, counts, times, masked numbers), rendered in Vietnamese by
    # integrity.evidence; never an address or a full phone number.
    evidence = models.JSONField(_("bằng chứng"), default=dict)
    detected_at = models.DateTimeField(_("phát hiện lúc"), auto_now_add=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dấu hiệu bất thường")
        verbose_name_plural = pgettext_lazy("plural", "dấu hiệu bất thường")
        ordering = ["status", "-detected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "attempt"],
                condition=Q(attempt__isnull=False),
                name="anomaly_flag_attempt_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "registration"],
                condition=Q(attempt__isnull=True),
                name="anomaly_flag_registration_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "status"], name="anomaly_flag_queue_idx"),
            models.Index(fields=["group_key"], name="anomaly_flag_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
