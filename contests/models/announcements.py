from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .contests import Contest


class Announcement(models.Model):
    """A notice the organisers post (a rule or prize change, a round opening, a correction):
    on the contest page, and as a banner to the contest's registered participants until they
    mark it read. Archived, never deleted; posting, editing and archiving are audited in
    ContestChange."""

    class Kind(models.TextChoices):
        RULE_CHANGE = "rule_change", _("Thay đổi thể lệ")
        PRIZE_CHANGE = "prize_change", _("Thay đổi giải thưởng")
        ROUND_OPENING = "round_opening", _("Mở tuần/vòng thi")
        CORRECTION = "correction", _("Đính chính")
        OTHER = "other", _("Thông báo khác")

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("cuộc thi"),
    )
    kind = models.CharField(_("loại thông báo"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    # Sanitised HTML (nh3), as the contest's rules.
    body = models.TextField(_("nội dung"))
    published_at = models.DateTimeField(_("đăng lúc"), default=timezone.now)
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người đăng"),
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["contest", "-published_at"], name="announcement_idx")]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """A participant marked an announcement read: its banner is no longer shown to them."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đã đọc thông báo")
        verbose_name_plural = pgettext_lazy("plural", "đã đọc thông báo")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}: {self.user_id}"
