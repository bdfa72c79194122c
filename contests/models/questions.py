from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .contests import Contest, Round


class Topic(models.Model):
    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="topics"
    )
    name = models.CharField(_("chủ đề"), max_length=200)

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = pgettext_lazy("plural", "chủ đề")
        ordering = ["contest", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="topic_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One version of a question. A version that has been drawn into an attempt (`used`) is
    never changed in place: editing it makes a new version and retires this one, so past
    attempts keep exactly what the participant saw."""

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Dễ")
        MEDIUM = 2, _("Trung bình")
        HARD = 3, _("Khó")

    class Pool(models.TextChoices):
        # Which tests may draw this question: the contest's (counted), practice (never
        # counted, learning.PracticeAttempt), or both.
        CONTEST = "contest", _("Chỉ thi chính thức")
        PRACTICE = "practice", _("Chỉ thi thử")
        BOTH = "both", _("Thi chính thức và thi thử")

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="questions"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="questions"
    )
    text = models.TextField(_("nội dung câu hỏi"), max_length=2000)
    explanation = models.TextField(_("giải thích"), blank=True, max_length=4000)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("độ khó"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    pool = models.CharField(
        _("dùng cho"), max_length=10, choices=Pool.choices, default=Pool.CONTEST
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    used = models.BooleanField(_("đã dùng trong bài thi"), default=False, editable=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("thay cho câu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        editable=False,
    )

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = pgettext_lazy("plural", "ngân hàng câu hỏi")
        ordering = ["contest", "topic", "id"]
        indexes = [
            models.Index(
                fields=["contest", "topic", "difficulty"],
                condition=Q(is_active=True),
                name="question_drawable_idx",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.CharField(_("phương án"), max_length=1000)
    is_correct = models.BooleanField(_("đáp án đúng"), default=False)

    class Meta:
        verbose_name = _("phương án")
        verbose_name_plural = pgettext_lazy("plural", "phương án")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class BlueprintItem(models.Model):
    """How many questions a test draws from a topic (and optionally a difficulty)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="blueprint"
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("vòng thi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blueprint",
        help_text=_("Để trống: áp dụng cho mọi vòng."),
    )
    topic = models.ForeignKey(Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT)
    difficulty = models.PositiveSmallIntegerField(
        _("độ khó"),
        choices=Question.Difficulty.choices,
        null=True,
        blank=True,
        help_text=_("Để trống: mọi độ khó."),
    )
    count = models.PositiveSmallIntegerField(_("số câu"))

    class Meta:
        verbose_name = _("cấu trúc đề")
        verbose_name_plural = pgettext_lazy("plural", "cấu trúc đề")

    def __str__(self) -> str:
        return f"{self.topic}: {self.count}"
