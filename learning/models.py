"""Learning from the contest: practice and review sittings, and the question bank's item
statistics. Nothing here is read by any figure, ranking or prize (reports and scoring never
import this app's models for counting)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest, Option, Question, Topic, Unit
from participants.models import Participant


class PracticeAttempt(models.Model):
    """One practice test ("Thi thử") or one review of missed questions ("Ôn lại câu sai").

    Same shape as scoring.Attempt (`items`: [{"q": question id, "o": [option ids]}], answers
    {question id: option id}) so the exam page can show it, but a separate table: a practice
    attempt cannot reach a roll-up, a ranking, an export or a prize by a forgotten filter."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Thi thử")
        REVIEW = "review", _("Ôn lại câu sai")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang làm bài")
        SUBMITTED = "submitted", _("Đã nộp bài")

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="practice_attempts",
        verbose_name=_("người dự thi"),
    )
    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="practice_attempts",
        verbose_name=_("cuộc thi"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    items = models.JSONField(_("đề thi"))
    answers = models.JSONField(_("bài làm"), default=dict)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    # Practice is timed like the contest; a review is not (null).
    deadline = models.DateTimeField(_("hạn nộp"), null=True, blank=True)
    finished_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("số câu đúng"), null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(_("số câu"))

    class Meta:
        verbose_name = _("bài thi thử")
        verbose_name_plural = pgettext_lazy("plural", "bài thi thử")
        indexes = [
            models.Index(
                fields=["participant", "contest", "-started_at"], name="practice_person_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "contest", "kind"],
                condition=models.Q(status="open"),
                name="practice_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ItemStatsRun(models.Model):
    """One computation of a contest's item statistics (learning.services.item_stats)."""

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="item_stats_runs",
        verbose_name=_("cuộc thi"),
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    attempts_counted = models.PositiveIntegerField(_("số bài thi đã tính"), default=0)
    # The upper and lower groups of this run (learning.rules.item_stats.score_groups): the
    # lowest correct count in the upper group, the highest in the lower, and their sizes.
    # Null when the scores do not spread enough to separate two groups.
    upper_min = models.PositiveSmallIntegerField(_("nhóm cao: từ số câu đúng"), null=True)
    lower_max = models.PositiveSmallIntegerField(_("nhóm thấp: đến số câu đúng"), null=True)
    upper_attempts = models.PositiveIntegerField(_("số bài nhóm cao"), default=0)
    lower_attempts = models.PositiveIntegerField(_("số bài nhóm thấp"), default=0)
    # What the next run needs to continue from this one instead of reading every attempt
    # again (learning.services.item_stats): the latest graded_at counted, a checksum of the
    # counted attempts (Σ id, Σ correct count), the key and topics it used, and the counts
    # per correct count (histogram, drawn per question, chosen per option).
    incremental = models.BooleanField(_("tính tiếp từ lần trước"), default=False)
    graded_until = models.DateTimeField(_("đã tính các bài chấm đến"), null=True, blank=True)
    counted_id_sum = models.BigIntegerField(default=0)
    counted_correct_sum = models.BigIntegerField(default=0)
    key_fingerprint = models.CharField(max_length=64, blank=True, default="")
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lần tính thống kê câu hỏi")
        verbose_name_plural = pgettext_lazy("plural", "lần tính thống kê câu hỏi")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.contest_id} @ {self.started_at:%d/%m/%Y %H:%M}"


class ItemStat(models.Model):
    """Classical item statistics of one question version over the contest's graded attempts:
    facility (share correct), discrimination (point-biserial against the rest of the test)
    and the flags read from them (learning.rules.item_stats)."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="item_stats", verbose_name=_("cuộc thi")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("câu hỏi")
    )
    drawn = models.PositiveIntegerField(_("số lần ra đề"), default=0)
    answered = models.PositiveIntegerField(_("số lần trả lời"), default=0)
    correct = models.PositiveIntegerField(_("số lần đúng"), default=0)
    facility = models.FloatField(_("tỷ lệ đúng"), null=True, blank=True)
    discrimination = models.FloatField(_("độ phân biệt"), null=True, blank=True)
    flags = models.JSONField(_("cảnh báo"), default=list, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("thống kê câu hỏi")
        verbose_name_plural = pgettext_lazy("plural", "thống kê câu hỏi")
        constraints = [
            models.UniqueConstraint(fields=["contest", "question"], name="item_stat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.correct}/{self.answered}"


class OptionStat(models.Model):
    """How often one option of an item was chosen, overall and by the strongest and weakest
    participants (the upper and lower groups of learning.rules.item_stats)."""

    item = models.ForeignKey(
        ItemStat,
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("thống kê câu hỏi"),
    )
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="+", verbose_name=_("phương án")
    )
    chosen = models.PositiveIntegerField(_("số lần chọn"), default=0)
    chosen_upper = models.PositiveIntegerField(_("số lần chọn (nhóm cao)"), default=0)
    chosen_lower = models.PositiveIntegerField(_("số lần chọn (nhóm thấp)"), default=0)

    class Meta:
        verbose_name = _("thống kê phương án")
        verbose_name_plural = pgettext_lazy("plural", "thống kê phương án")
        constraints = [
            models.UniqueConstraint(fields=["item", "option"], name="option_stat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.option_id}: {self.chosen}"


class TopicUnitStat(models.Model):
    """Answers and correct answers per topic for the registrations of one unit (the unit the
    person entered for); a district's figure is the sum over its subtree."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="+", verbose_name=_("cuộc thi")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="+", verbose_name=_("chủ đề")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    # Times the topic's questions were drawn for this unit's attempts: the denominator of the
    # share correct (an unanswered question counts as wrong, as in the item facility).
    drawn = models.PositiveIntegerField(_("số lần ra đề"), default=0)
    answered = models.PositiveIntegerField(_("số lần trả lời"), default=0)
    correct = models.PositiveIntegerField(_("số lần đúng"), default=0)

    class Meta:
        verbose_name = _("thống kê chủ đề theo đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "thống kê chủ đề theo đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "topic", "unit"], name="topic_unit_stat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} @ {self.unit_id}: {self.correct}/{self.answered}"
