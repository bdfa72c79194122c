"""Admin for prize structures: the structure's own page (its tiers inline, the budget shown)
and the form the contest page's inline shares. A structure is the contest's overall prizes or
one round's (a week's), for everyone or one category, with its rules: one prize per person
per round or per contest, a cap as a share of entrants, and (overall only) no prize for round
winners. The settings are checked by `contests.rules.prize_structure`; who wins is scoring's
(scoring.selectors.prizes).

Scoped to structures of contests owned in the organiser's subtree and structures for a unit in
its subtree (Thanh Xuân's own prizes inside the city contest)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from contests.models import Category, Contest, PrizeStructure, PrizeTier, Round
from contests.rules.prize_structure import prize_structure_problems
from contests.selectors import contest_owned_by, contests_visible_q, path_prefix_for
from contests.services.contests import (
    contest_change_record,
    contest_public_cache_clear,
    prize_budget,
    prize_snapshot,
)
from contests.templatetags.contest_tags import dong


class PrizeStructureForm(forms.ModelForm):
    """The structure's settings, checked together (`prize_structure_problems`). The contest
    is the form's field on the structure's page, the parent's on the contest page's inline."""

    class Meta:
        model = PrizeStructure
        fields = [
            "contest",
            "title",
            "round",
            "category",
            "unit",
            "basis",
            "one_prize_per",
            "cap_percent",
            "excludes_round_winners",
            "collective_unit_kind",
        ]

    def clean(self):
        cleaned = super().clean()
        contest = cleaned.get("contest") if "contest" in self.fields else None
        contest_id = contest.pk if contest is not None else self.instance.contest_id
        round_, category = cleaned.get("round"), cleaned.get("category")
        for field, message in prize_structure_problems(
            contest_id=contest_id,
            round_contest_id=round_.contest_id if round_ is not None else None,
            category_contest_id=category.contest_id if category is not None else None,
            excludes_round_winners=bool(cleaned.get("excludes_round_winners")),
            cap_percent=cleaned.get("cap_percent"),
        ):
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, message)
        return cleaned


class PrizeTierInline(admin.TabularInline):
    model = PrizeTier
    extra = 0
    fields = ["kind", "rank_order", "name", "count", "amount", "total_display"]
    readonly_fields = ["total_display"]

    @admin.display(description=_("thành tiền"))
    def total_display(self, obj):
        return dong(obj.total) if obj.pk else "—"


@admin.register(PrizeStructure)
class PrizeStructureAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    form = PrizeStructureForm
    list_display = ["title", "contest", "round", "category", "unit", "budget_display"]
    list_filter = [("contest", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["budget_display"]
    fields = [
        "contest",
        "title",
        "round",
        "category",
        "unit",
        "basis",
        "one_prize_per",
        "cap_percent",
        "excludes_round_winners",
        "collective_unit_kind",
        "budget_display",
    ]
    inlines = [PrizeTierInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related(
            "contest", "unit", "round", "category"
        )
        prefix = path_prefix_for(user=request.user)
        if prefix is None:
            return queryset.none()
        if prefix == "":
            return queryset
        return queryset.filter(contest__owner_unit__path__startswith=prefix) | queryset.filter(
            unit__path__startswith=prefix
        )

    def _visible_contests(self, request):
        condition = contests_visible_q(user=request.user)
        return Contest.objects.none() if condition is None else Contest.objects.filter(condition)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Rounds and categories of the contests the organiser sees; the form checks that they
        # are the chosen contest's own.
        if db_field.name == "contest":
            kwargs["queryset"] = self._visible_contests(request)
        elif db_field.name == "round":
            visible = self._visible_contests(request)
            kwargs["queryset"] = Round.objects.filter(contest__in=visible).select_related("contest")
        elif db_field.name == "category":
            visible = self._visible_contests(request)
            kwargs["queryset"] = Category.objects.filter(contest__in=visible).select_related(
                "contest"
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("round", "category") and field is not None:
            # "Tuần 1" alone is ambiguous for an organiser with several contests.
            field.label_from_instance = lambda obj: f"{obj} ({obj.contest.title})"
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class ScopedPrizeStructureForm(form_class):
            def clean(self):
                cleaned = super().clean()
                contest, unit = cleaned.get("contest"), cleaned.get("unit")
                if contest and not contest_owned_by(user=user, contest=contest):
                    if unit is None:
                        self.add_error(
                            "unit",
                            _(
                                "Trong cuộc thi của cấp trên, chỉ được đặt giải cho đơn vị "
                                "mình: hãy chọn đơn vị."
                            ),
                        )
                    elif not unit.path.startswith(contest.participation_root.path):
                        self.add_error("unit", _("Đơn vị này không thuộc cây đơn vị dự thi."))
                return cleaned

        return ScopedPrizeStructureForm

    @admin.display(description=_("tổng giá trị"))
    def budget_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return dong(prize_budget(tiers=obj.tiers.all()))

    def save_model(self, request, obj, form, change):
        form.prizes_before = prize_snapshot(contest=obj.contest)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        contest = form.instance.contest
        super().save_related(request, form, formsets, change)
        contest_change_record(
            contest=contest,
            user=request.user,
            what="prizes",
            before={"prizes": form.prizes_before},
            after={"prizes": prize_snapshot(contest=contest)},
        )
        contest_public_cache_clear(contest=contest)
