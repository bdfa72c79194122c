from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .contests import Contest
from .units import Unit


class PrizeStructure(models.Model):
    """A set of prize tiers: at contest level (unit empty) or for a unit's own residents inside
    the contest (e.g. Thanh Xuân district inside the Hà Nội contest)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="prize_structures")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Để trống: giải cấp cuộc thi."),
        verbose_name=_("giải của đơn vị"),
    )
    title = models.CharField(_("tên cơ cấu giải"), max_length=200)
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
