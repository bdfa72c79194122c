from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .categories import Category
from .contests import Contest, Round
from .units import Unit


class PrizeStructure(models.Model):
    """A set of prize tiers: at contest level (unit empty) or for a unit's own residents inside
    the contest (e.g. Thanh Xuân district inside the Hà Nội contest); for the whole contest
    (round empty: its overall ranking) or one round (a week's prizes); for everyone or one
    category of participants (a quota: 3 prizes for officials, 4 for pupils…). Who wins:
    scoring.selectors.prizes."""

    class Basis(models.TextChoices):
        """What the structure's individual prizes rank: the multiple-choice results, the essay
        final marks (essays.Entry.final_mark), or both by the essay task's weights."""

        MULTIPLE_CHOICE = "mc", _("Bài thi trắc nghiệm")
        ESSAY = "essay", _("Bài tự luận (điểm chung khảo)")
        COMBINED = "combined", _("Kết hợp trắc nghiệm và tự luận theo trọng số")

    class OnePrizePer(models.TextChoices):
        ROUND = "round", _("Mỗi người tối đa một giải trong tuần/vòng (hoặc trong giải chung)")
        CONTEST = "contest", _("Mỗi người tối đa một giải trong cả cuộc thi")

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="prize_structures",
        verbose_name=_("cuộc thi"),
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Để trống: giải cấp cuộc thi."),
        verbose_name=_("giải của đơn vị"),
    )
    round = models.ForeignKey(
        Round,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="prize_structures",
        verbose_name=_("tuần/vòng thi"),
        help_text=_("Để trống: giải chung cả cuộc thi (theo xếp hạng chung)."),
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prize_structures",
        verbose_name=_("dành cho đối tượng"),
        help_text=_("Để trống: mọi đối tượng."),
    )
    title = models.CharField(_("tên cơ cấu giải"), max_length=200)
    basis = models.CharField(
        _("xét giải theo"), max_length=10, choices=Basis.choices, default=Basis.MULTIPLE_CHOICE
    )
    one_prize_per = models.CharField(
        _("giới hạn giải mỗi người"),
        max_length=10,
        choices=OnePrizePer.choices,
        default=OnePrizePer.ROUND,
    )
    cap_percent = models.PositiveSmallIntegerField(
        _("số giải không vượt quá (% số người dự thi)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Ví dụ 50: số giải cá nhân không vượt quá 50% số người dự thi. "
            "Để trống: không giới hạn."
        ),
    )
    excludes_round_winners = models.BooleanField(
        _("không xét người đã đạt giải tuần/vòng"),
        default=False,
        help_text=_("Chỉ áp dụng cho giải chung cả cuộc thi."),
    )
    collective_unit_kind = models.CharField(
        _("giải tập thể xét cho loại đơn vị"),
        max_length=20,
        choices=Unit.Kind.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("cơ cấu giải thưởng")
        verbose_name_plural = pgettext_lazy("plural", "cơ cấu giải thưởng")

    def __str__(self) -> str:
        return self.title


class PrizeTier(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Cá nhân")
        COLLECTIVE = "collective", _("Tập thể")

    structure = models.ForeignKey(PrizeStructure, on_delete=models.CASCADE, related_name="tiers")
    kind = models.CharField(_("loại giải"), max_length=20, choices=Kind.choices)
    rank_order = models.PositiveSmallIntegerField(_("thứ hạng"), help_text=_("1 = giải Nhất"))
    name = models.CharField(
        _("tên giải"), max_length=100, help_text=_("Nhất, Nhì, Ba, Khuyến khích")
    )
    count = models.PositiveIntegerField(_("số giải"))
    amount = models.PositiveBigIntegerField(_("trị giá mỗi giải (đồng)"))

    class Meta:
        verbose_name = _("giải")
        verbose_name_plural = pgettext_lazy("plural", "giải")
        ordering = ["structure", "kind", "rank_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "kind", "rank_order"], name="prize_tier_rank_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.name}"

    @property
    def total(self) -> int:
        return self.count * self.amount
