"""Admin for prize structures: the structure's own page (its tiers inline, the budget shown)
and the contest page's inline, where each structure carries its tiers in a compact editor
(`TierRowsField`: one row per tier, three blank rows to add more), so a clerk enters the
structures and their prizes on one page. A structure is the contest's overall prizes or
one round's (a week's), for everyone or one category, with its rules: one prize per person
per round or per contest, a cap as a share of entrants, and (overall only) no prize for round
winners. The settings are checked by `contests.rules.prize_structure`; who wins is scoring's
(scoring.selectors.prizes).

Why not django-nested-admin (tiers as an inline inside the structures' inline): it would
make ContestAdmin, which scoring subclasses and every inline of the contest page shares, a
NestedModelAdmin with its own inline templates and scripts; the editor below is one form
field, works without JavaScript and keeps the page's other inlines as Django draws them.

Scoped to structures of contests owned in the organiser's subtree and structures for a unit in
its subtree (Thanh Xuân's own prizes inside the city contest)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from contest_site.untrusted import parse_id
from contests.admin.children import ContestChildInline
from contests.admin.units import UnitPickerMixin
from contests.admin_scoping import ScopedModelAdmin
from contests.models import Category, Contest, PrizeStructure, PrizeTier, Round
from contests.rules.prize_structure import (
    TIER_COLUMNS,
    collective_tier_problem,
    prize_structure_problems,
    tier_rows_parse,
)
from contests.selectors import (
    contest_owned_by,
    contests_visible_q,
    organiser_unit,
    path_prefix_for,
)
from contests.services.contests import (
    contest_change_record,
    contest_public_cache_clear,
    prize_budget,
    prize_snapshot,
)
from contests.services.prizes import prize_tiers_set
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

    def submitted_tier_kinds(self):
        """The kinds of the tiers submitted with the structure; None where the tiers are a
        formset of their own (the structure's page: PrizeTierFormSet checks them)."""
        return None

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
            collective_unit_kind=cleaned.get("collective_unit_kind") or "",
            tier_kinds=self.submitted_tier_kinds(),
        ):
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, message)
        return cleaned


# --- The tiers editor of the contest page ---------------------------------------------------

EXTRA_TIER_ROWS = 3
MAX_TIER_ROWS = 40  # what one structure can be sent with; real ones have 4-6 tiers


def _tier_text(tier) -> dict[str, str]:
    """A saved tier (PrizeTier or TierRow) as the editor's row of texts."""
    return {
        "kind": tier.kind,
        "rank_order": str(tier.rank_order),
        "name": tier.name,
        "count": str(tier.count),
        "amount": f"{tier.amount:,}".replace(",", "."),
    }


def _tier_key(tier) -> tuple:
    return (tier.kind, tier.rank_order, tier.name, tier.count, tier.amount)


def _tier_kinds() -> dict[str, str]:
    return {value: str(label) for value, label in PrizeTier.Kind.choices}


class TierRowsWidget(forms.Widget):
    """A small table, one row per tier (kind, rank, name, count, amount) and blank rows to add
    more; `<name>-rows` says how many rows were drawn. Input names carry the form's prefix, so
    Django's "Thêm" of the inline renumbers them with the structure's own."""

    template = "admin/contests/prizestructure/tier_rows.html"

    def value_from_datadict(self, data, files, name):
        count = parse_id(data.get(f"{name}-rows"))
        if count is None:
            return None  # not sent (a form posted without the editor): tiers stay as they are
        return [
            {column: data.get(f"{name}-{index}-{column}", "") for column in TIER_COLUMNS}
            for index in range(min(count, MAX_TIER_ROWS))
        ]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def render(self, name, value, attrs=None, renderer=None):
        rows = [row if isinstance(row, dict) else _tier_text(row) for row in value or []]
        rows += [{"kind": PrizeTier.Kind.INDIVIDUAL}] * EXTRA_TIER_ROWS
        rows = rows[: max(MAX_TIER_ROWS, len(value or []))]
        base_id = (attrs or {}).get("id") or f"id_{name}"
        return render_to_string(
            self.template,
            {
                "name": name,
                "base_id": base_id,
                "kinds": PrizeTier.Kind.choices,
                "rows": [
                    {
                        "number": number,
                        "prefix": f"{name}-{number - 1}",
                        "id": f"{base_id}-{number - 1}",
                        "values": row,
                    }
                    for number, row in enumerate(rows, start=1)
                ],
            },
        )


class TierRowsField(forms.Field):
    """The structure's tiers as typed: cleaned to a list of TierRow by the one rule
    (`tier_rows_parse`), or None when the editor was not sent."""

    widget = TierRowsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        if value is None:
            return None
        tiers, problems = tier_rows_parse(value, kinds=_tier_kinds())
        if problems:
            raise ValidationError(problems)
        return tiers

    def has_changed(self, initial, data):
        if data is None:
            return False
        tiers, problems = tier_rows_parse(data, kinds=_tier_kinds())
        if problems:
            return True
        return sorted(map(_tier_key, tiers)) != sorted(map(_tier_key, initial or []))


class PrizeStructureInlineForm(PrizeStructureForm):
    """A structure on the contest page, with its tiers."""

    tier_rows = TierRowsField(label=_("Các giải"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("tier_rows", list(self.instance.tiers.all()))

    def submitted_tier_kinds(self):
        if "tier_rows" in self.errors:
            return None  # the rows' own problems are shown first
        rows = self.cleaned_data.get("tier_rows")
        if rows is None:  # the editor was not sent: the tiers stay, and are checked as they are
            rows = list(self.instance.tiers.all()) if self.instance.pk is not None else []
        return {row.kind for row in rows}

    def save(self, commit=True):
        structure = super().save(commit=commit)
        tiers = self.cleaned_data.get("tier_rows")
        if tiers is None:
            return structure
        if commit:
            prize_tiers_set(structure=structure, tiers=tiers)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_tiers():
                save_m2m()
                prize_tiers_set(structure=structure, tiers=tiers)

            self.save_m2m = save_m2m_and_tiers
        return structure


class PrizeStructureInline(UnitPickerMixin, ContestChildInline, admin.StackedInline):
    """The contest page's prize structures, each with its tiers. A district reading the city's
    contest sees them read only, the tiers as one line."""

    model = PrizeStructure
    form = PrizeStructureInlineForm
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["tiers_summary", "budget"]
    show_change_link = True
    classes = ["prize-structures"]

    class Media:
        css = {"all": ["css/admin_prizes.css"]}

    def get_fieldsets(self, request, obj=None):
        tiers = "tier_rows" if self.has_change_permission(request, obj) else "tiers_summary"
        return [
            (
                None,
                {
                    "fields": [
                        ("title", "unit"),
                        ("round", "category"),
                        "basis",
                        ("one_prize_per", "cap_percent"),
                        "excludes_round_winners",
                        "collective_unit_kind",
                        tiers,
                        "budget",
                    ]
                },
            )
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "round", "category")
            .prefetch_related("tiers")
        )

    @admin.display(description=_("các giải"))
    def tiers_summary(self, obj):
        parts = [
            f"{t.get_kind_display()} {t.name}: {t.count} × {dong(t.amount)}"
            for t in obj.tiers.all()
        ]
        return "; ".join(parts) or "—"

    @admin.display(description=_("tổng giá trị"))
    def budget(self, obj):
        return dong(prize_budget(tiers=obj.tiers.all())) if obj.pk else "—"


# --- The structure's own page ---------------------------------------------------------------


class PrizeTierFormSet(forms.BaseInlineFormSet):
    """The tiers of the structure's page: a collective tier needs the structure's unit kind
    (the same rule as the contest page's editor)."""

    def clean(self):
        super().clean()
        kinds = {
            form.cleaned_data.get("kind")
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        }
        message = collective_tier_problem(
            collective_unit_kind=self.instance.collective_unit_kind or "", tier_kinds=kinds
        )
        if message:
            raise ValidationError(message)


class PrizeTierInline(admin.TabularInline):
    model = PrizeTier
    formset = PrizeTierFormSet
    extra = 0
    fields = ["kind", "rank_order", "name", "count", "amount", "total_display"]
    readonly_fields = ["total_display"]

    @admin.display(description=_("thành tiền"))
    def total_display(self, obj):
        return dong(obj.total) if obj.pk else "—"


@admin.register(PrizeStructure)
class PrizeStructureAdmin(UnitPickerMixin, ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    form = PrizeStructureForm
    autocomplete_fields = ["unit"]
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

    def unit_defaults(self, request):
        # A district's structure is usually its own prizes inside the city's contest (the unit
        # is then required); the city's own structures are contest-level (no unit).
        unit = organiser_unit(user=request.user)
        return {"unit": unit.pk} if unit is not None and unit.depth > 1 else {}

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
