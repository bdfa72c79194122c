"""Appeals ("phúc khảo") against a graded attempt while results are provisional, and the
organisers' answers. The row is its own audit: who filed and when, who answered, when and how;
an appeal is answered once (a conditional UPDATE in scoring.services.appeals)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest
from participants.models import Registration

from .attempts import Attempt
from .grading import ResultsSnapshot

TEXT_MAX = 2000
ANSWER_MAX = 2000


class Appeal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ trả lời")
        ACCEPTED = "accepted", _("Chấp nhận")
        REJECTED = "rejected", _("Không chấp nhận")

    attempt = models.ForeignKey(
        Attempt, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("bài thi")
    )
    # Denormalised from the attempt: the admin scopes on the registration's unit and lists
    # a contest's appeals; publishing counts the unanswered ones.
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đăng ký dự thi"),
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="+", verbose_name=_("cuộc thi")
    )
    # The provisional version the citizen saw when filing.
    snapshot = models.ForeignKey(
        ResultsSnapshot,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("phiên bản kết quả"),
    )
    text = models.TextField(_("nội dung phúc khảo"), max_length=TEXT_MAX)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    filed_at = models.DateTimeField(_("gửi lúc"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("trả lời"), blank=True, max_length=ANSWER_MAX)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn phúc khảo")
        verbose_name_plural = pgettext_lazy("plural", "đơn phúc khảo")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["attempt"], name="appeal_one_per_attempt"),
            # Answered means all three recorded, and only then.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="pending",
                        answered_at__isnull=True,
                        answered_by__isnull=True,
                    )
                    | models.Q(status__in=["accepted", "rejected"], answered_at__isnull=False)
                ),
                name="appeal_answer_recorded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["contest"], condition=models.Q(status="pending"), name="appeal_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.attempt_id})"
