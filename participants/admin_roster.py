"""Admin for rosters (danh sách người thuộc diện tham gia), scoped to the organiser's subtree
by the row's unit. Document numbers and phones are masked in every list and page (the roster
is for following up, not for reading numbers; an account with the full-identity permission
sees them in full on the change page, and that view is logged).

"Nhập từ Excel" (participants.roster.importing) imports a file for one contest, confined to
the organiser's units, and matches the contest's roster; "Tải mẫu" downloads the template
with those units; the action "Đối chiếu với đăng ký dự thi" matches again (people register
every day)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from contest_site.untrusted import parse_id
from contests.admin_scoping import ScopedModelAdmin
from contests.masking import can_view_full_identity, full_identity_view_record, mask_document
from contests.models import Contest, Unit
from contests.selectors import contests_visible_q, organiser_unit, sees_everything
from participants.masking import mask_phone
from participants.models import RosterEntry
from participants.roster.importing import MAX_ROWS, roster_import_xlsx, roster_template_xlsx
from participants.roster.matching import roster_match
from participants.rules.roster import key_problem, roster_document, roster_phone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_MB = 10


def roster_contests_for(user):
    """The contests an organiser may keep a roster for: those it sees in admin (its own,
    and the published contests whose tree contains its unit)."""
    q = contests_visible_q(user=user)
    if q is None:
        return Contest.objects.none()
    return Contest.objects.filter(q).order_by("-opens_at")


def _scope(user) -> Unit | None:
    return None if sees_everything(user=user) else organiser_unit(user=user)


class RosterImportForm(forms.Form):
    contest = forms.ModelChoiceField(label=_("Cuộc thi"), queryset=Contest.objects.none())
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Các cột: Họ và tên, Chức vụ, Số CCCD, Số điện thoại, Mã đơn vị."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = roster_contests_for(user)
        self.fields["contest"].error_messages["invalid_choice"] = _(
            "Hãy chọn một cuộc thi trong danh sách."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("Tệp lớn quá %(n)s MB.") % {"n": MAX_UPLOAD_MB})
        return upload


class RosterEntryForm(forms.ModelForm):
    class Meta:
        model = RosterEntry
        fields = ["contest", "unit", "full_name", "position", "document_number", "phone"]

    def clean_document_number(self):
        try:
            return roster_document(self.cleaned_data.get("document_number"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean_phone(self):
        try:
            return roster_phone(self.cleaned_data.get("phone"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        cleaned = super().clean()
        document, phone = cleaned.get("document_number", ""), cleaned.get("phone", "")
        if "document_number" in cleaned and "phone" in cleaned:
            problem = key_problem(document=document, phone=phone)
            if problem is not None:
                raise ValidationError(
                    _("Cần ít nhất số CCCD hoặc số điện thoại để đối chiếu."), code=problem.code
                )
        contest = cleaned.get("contest")
        unit = cleaned.get("unit")
        if contest is not None and unit is not None:
            if not unit.path.startswith(contest.participation_root.path):
                self.add_error("unit", _("Đơn vị này không tham gia cuộc thi đã chọn."))
            others = RosterEntry.objects.filter(contest=contest).exclude(pk=self.instance.pk)
            if document and others.filter(document_number=document).exists():
                self.add_error(
                    "document_number", _("Số CCCD này đã có trong danh sách của cuộc thi.")
                )
            if phone and others.filter(phone=phone).exists():
                self.add_error("phone", _("Số điện thoại này đã có trong danh sách của cuộc thi."))
        return cleaned


class MatchedFilter(admin.SimpleListFilter):
    title = _("đã đăng ký dự thi")
    parameter_name = "da_dang_ky"

    def lookups(self, request, model_admin):
        return [("1", _("Đã đăng ký")), ("0", _("Chưa đăng ký"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(registration__isnull=False)
        if self.value() == "0":
            return queryset.filter(registration__isnull=True)
        return queryset


@admin.register(RosterEntry)
class RosterEntryAdmin(ScopedModelAdmin):
    unit_path_field = "unit__path"
    form = RosterEntryForm
    change_list_template = "admin/participants/rosterentry/change_list.html"
    list_display = [
        "full_name",
        "position",
        "unit",
        "document_masked",
        "phone_masked",
        "registered",
    ]
    list_select_related = ["unit"]
    list_filter = [MatchedFilter, "contest", "unit"]
    search_fields = ["full_name", "position", "unit__name", "unit__code"]
    ordering = ["unit__path", "full_name", "id"]
    readonly_fields = ["registration_state", "matched_at"]
    actions = ["match_action"]
    list_per_page = 100

    # --- Columns ------------------------------------------------------------------------

    @admin.display(description=_("số CCCD"))
    def document_masked(self, obj):
        return mask_document(obj.document_number) or "—"

    @admin.display(description=_("số điện thoại"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone) or "—"

    @admin.display(description=_("đã đăng ký dự thi"), boolean=True)
    def registered(self, obj):
        return obj.registration_id is not None

    @admin.display(description=_("đăng ký dự thi"))
    def registration_state(self, obj):
        if obj.registration_id is None:
            return _("Chưa đăng ký (chưa đối chiếu được với người đăng ký nào).")
        return _("Đã đăng ký dự thi.")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A number typed in any usual spelling finds the person (never shown in full).
        extra = RosterEntry.objects.none()
        try:
            document = roster_document(search_term)
        except ValidationError:
            document = ""
        try:
            phone = roster_phone(search_term)
        except ValidationError:
            phone = ""
        base = self.get_queryset(request)
        if document:
            extra = extra | base.filter(document_number=document)
        if phone:
            extra = extra | base.filter(phone=phone)
        if document or phone:
            queryset = queryset | extra
        return queryset, may_have_duplicates

    # --- Form: masked numbers unless the account may see them (and that view is logged) --

    def _full(self, request, obj) -> bool:
        if not can_view_full_identity(request.user):
            return False
        if obj is None:
            return True
        # Asked several times while one page is built: logged once per page.
        seen = request.__dict__.setdefault("_roster_full_identity", {})
        if obj.pk not in seen:
            seen[obj.pk] = full_identity_view_record(
                user=request.user, action="roster_entry_view", target=f"rosterentry:{obj.pk}"
            )
        return seen[obj.pk]

    def get_fields(self, request, obj=None):
        fields = ["contest", "unit", "full_name", "position"]
        if obj is None or self._full(request, obj):
            fields += ["document_number", "phone"]
        else:
            fields += ["document_masked", "phone_masked"]
        return [*fields, "registration_state", "matched_at"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["registration_state", "matched_at"]
        if "document_masked" in self.get_fields(request, obj):
            fixed += ["document_masked", "phone_masked"]
        return fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = [
            f for f in self.get_fields(request, obj) if f in RosterEntryForm._meta.fields
        ]
        return super().get_form(request, obj, change, **kwargs)

    def get_field_queryset(self, db, db_field, request):
        if db_field.name == "contest":
            return roster_contests_for(request.user).using(db)
        return super().get_field_queryset(db, db_field, request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        roster_match(contest=obj.contest)

    # --- Match ----------------------------------------------------------------------------

    @admin.action(description=_("Đối chiếu với đăng ký dự thi"), permissions=["change"])
    def match_action(self, request, queryset):
        contest_ids = set(queryset.values_list("contest_id", flat=True))
        for contest in Contest.objects.filter(pk__in=contest_ids).order_by("pk"):
            report = roster_match(contest=contest)
            messages.success(request, f"{contest.title}: {report.summary()}")

    # --- Import ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "nhap-tu-excel/",
                self.admin_site.admin_view(self.import_view),
                name="participants_rosterentry_import",
            ),
            path(
                "tai-mau/",
                self.admin_site.admin_view(self.template_view),
                name="participants_rosterentry_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _check_import_allowed(self, request) -> None:
        user = request.user
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not sees_everything(user=user) and organiser_unit(user=user) is None:
            raise PermissionDenied  # a staff account with no unit lists nobody

    def template_view(self, request):
        self._check_import_allowed(request)
        contest = None
        contest_id = parse_id(request.GET.get("contest") or "")
        if contest_id is not None:
            contest = roster_contests_for(request.user).filter(pk=contest_id).first()
        data = roster_template_xlsx(contest=contest, within=_scope(request.user))
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-tham-gia.xlsx"'
        return response

    def import_view(self, request):
        self._check_import_allowed(request)
        report = None
        form = RosterImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            report = roster_import_xlsx(
                contest=form.cleaned_data["contest"],
                data=form.cleaned_data["file"].read(),
                within=_scope(request.user),
            )
            if report.ok:
                messages.success(request, report.summary())
                return redirect(reverse("admin:participants_rosterentry_changelist"))
        contest_choices = list(roster_contests_for(request.user).values_list("pk", "title"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập danh sách người thuộc diện tham gia từ Excel"),
            "form": form,
            "report": report,
            "max_megabytes": MAX_UPLOAD_MB,
            "max_rows": MAX_ROWS,
            "template_url": reverse("admin:participants_rosterentry_template"),
            "contest_choices": contest_choices,
        }
        return TemplateResponse(request, "admin/participants/rosterentry/import.html", context)
