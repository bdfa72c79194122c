"""Admin for people and registrations, scoped to the organiser's subtree.

Scoping choices:
- Registration: by the unit entered for (`unit__path`).
- Participant: visible when their residence unit, their work unit, or the unit of any of
  their registrations lies in the organiser's subtree. A district therefore sees its
  residents and everyone who entered one of its contests for one of its units.

Identity numbers are masked unless the account has `participants.view_full_identity`; each
page showing them in full is logged in PersonalDataAccess. Identity fields are read-only here:
corrections go through "Sửa thông tin định danh", which records an IdentityChange."""

from __future__ import annotations

import contextlib

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedAdminMixin, ScopedModelAdmin
from contests.masking import can_view_full_identity, mask_document
from contests.refusals import Refused
from contests.selectors import path_prefix_for
from participants import identity, services
from participants.accounts.admin_views import assisted_reset_view
from participants.allowances import time_allowance_grant
from participants.forms import IdentityChangeForm, apply_errors
from participants.invites import invite_token
from participants.masking import mask_phone
from participants.models import (
    ConsentNotice,
    ConsentRecord,
    DuplicateSuspect,
    IdentityChange,
    Participant,
    PersonalDataAccess,
    Registration,
    SmsDelivery,
    TimeAllowanceGrant,
)
from participants.posters import qr_svg
from participants.rules import data_access_text
from participants.rules.age_groups import age_group_key_label, age_group_label
from participants.rules.duplicate_details import decision_details_lines
from participants.rules.identity_changes import date_text, identity_change_lines
from participants.rules.time_allowance import MAX_EXTRA_MINUTES, REASON_MAX
from participants.selectors import (
    contest_age_groups,
    invite_contests_for,
    invite_counts,
    invite_units_for,
)


def normalised_search_terms(term: str) -> tuple[str | None, str | None]:
    """(E.164 phone or None, document number or None) for an admin search box value."""
    phone = None
    with contextlib.suppress(ValidationError):
        phone = identity.normalise_phone(term)
    number = identity.strip_separators(term).upper()
    if not (number.isascii() and number.isalnum() and 5 <= len(number) <= 20):
        number = None
    return phone, number


class IdentityColumnsMixin:
    """Masked or full identity columns, chosen per request (ModelAdmin instances are shared
    between threads, so nothing request-specific is stored on them); full views are logged.
    Columns are named "<x>_masked" in list_display/fields and swapped for "<x>_full"."""

    def _full(self, request) -> bool:
        return can_view_full_identity(request.user)

    def _swap(self, request, names):
        if not self._full(request):
            return tuple(names)
        return tuple(n.replace("_masked", "_full") if n.endswith("_masked") else n for n in names)

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._swap(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._swap(request, super().get_readonly_fields(request, obj))

    def changelist_view(self, request, extra_context=None):
        if self._full(request):
            services.personal_data_access_log(
                user=request.user,
                action="view_list",
                target=f"{self.model._meta.model_name} {request.GET.urlencode()}",
            )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self._full(request) and request.method == "GET":
            services.personal_data_access_log(
                user=request.user,
                action="view",
                target=f"{self.model._meta.model_name}:{object_id}",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("số giấy tờ"))
    def document_masked(self, obj):
        return mask_document(obj.document_number)

    @admin.display(description=_("số giấy tờ"))
    def document_full(self, obj):
        return obj.document_number


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    fk_name = "participant"
    extra = 0
    can_delete = False
    fields = ("kind", "given", "given_by", "notice", "registration", "at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdentityChangeInline(admin.TabularInline):
    model = IdentityChange
    extra = 0
    can_delete = False
    fields = ("at", "changed_by", "changes", "reason")
    readonly_fields = fields

    @admin.display(description=_("nội dung sửa"))
    def changes(self, obj):
        """Before → after of each changed field; document numbers masked here (the full
        number is on the identity change page, for those allowed and logged there)."""

        def show(name, value):
            if value in (None, ""):
                return str(_("(trống)"))
            if name == "document_number":
                return mask_document(value)
            if name == "date_of_birth":
                return date_text(value) or str(value)
            field = Participant._meta.get_field(name)
            return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)

        lines = identity_change_lines(
            before=obj.before,
            after=obj.after,
            fields=list(services.IDENTITY_FIELDS),
            labels={
                f: str(Participant._meta.get_field(f).verbose_name)
                for f in services.IDENTITY_FIELDS
            },
            show=show,
        )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(IdentityColumnsMixin, ScopedModelAdmin):
    unit_path_field = "residence_unit__path"  # see get_queryset: residence, work or entries
    list_display = (
        "full_name",
        "date_of_birth",
        "document_masked",
        "phone_masked",
        "residence_unit",
        "work_unit",
        "needs_review",
    )
    list_filter = ("needs_review", "document_type", "gender")
    search_fields = ("full_name",)
    search_help_text = _("Tìm chính xác theo số điện thoại hoặc số giấy tờ, hoặc theo họ tên.")
    list_select_related = ("residence_unit", "work_unit")
    autocomplete_fields = ("residence_unit", "work_unit")
    fields = (
        "full_name",
        "date_of_birth",
        "gender",
        "document_type",
        "document_masked",
        "issuing_country",
        "phone_masked",
        "email",
        "residence_unit",
        "work_unit",
        "foreign_birth_confirmed",
        "needs_review",
        "identity_change_link",
        "assisted_reset_link",
    )
    readonly_fields = (
        "full_name",
        "date_of_birth",
        "gender",
        "document_type",
        "document_masked",
        "issuing_country",
        "phone_masked",
        "foreign_birth_confirmed",
        "identity_change_link",
        "assisted_reset_link",
    )
    inlines = [ConsentRecordInline, IdentityChangeInline]

    def get_queryset(self, request):
        # Skip ScopedAdminMixin.get_queryset (one path only): the scope here is an OR.
        queryset = super(ScopedAdminMixin, self).get_queryset(request)
        prefix = path_prefix_for(user=request.user)
        if prefix is None:
            return queryset.none()
        if prefix == "":
            return queryset
        entered = Registration.objects.filter(
            participant=OuterRef("pk"), unit__path__startswith=prefix
        )
        return queryset.filter(
            Q(residence_unit__path__startswith=prefix)
            | Q(work_unit__path__startswith=prefix)
            | Exists(entered)
        )

    def has_add_permission(self, request):
        return False  # people register themselves (identity checks, consent)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        prefix = path_prefix_for(user=request.user)

        class StaysInScopeForm(form_class):
            def clean(self):
                # A district clerk must not move a person out of every unit it answers for
                # (an empty POST cleared both units): the person would vanish from its lists.
                cleaned = super().clean()
                if not prefix or self.instance.pk is None:
                    return cleaned
                units = [cleaned.get("residence_unit"), cleaned.get("work_unit")]
                inside = any(u is not None and u.path.startswith(prefix) for u in units)
                entered = self.instance.registrations.filter(unit__path__startswith=prefix)
                if not inside and not entered.exists():
                    raise ValidationError(
                        _(
                            "Nơi cư trú hoặc nơi công tác/học tập phải thuộc đơn vị của bạn: "
                            "nếu người này đã chuyển đi, hãy báo đơn vị cấp trên."
                        )
                    )
                return cleaned

        return StaysInScopeForm

    def get_search_results(self, request, queryset, search_term):
        phone, number = normalised_search_terms(search_term)
        if phone or number:
            match = Q(phone=phone) if phone else Q()
            if number:
                match |= Q(document_number=number)
            found = queryset.filter(match)
            if found.exists():
                return found, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("số điện thoại"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("số điện thoại"))
    def phone_full(self, obj):
        return obj.phone

    @admin.display(description=_("sửa thông tin định danh"))
    def identity_change_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:participants_participant_identity_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Sửa thông tin định danh (có ghi lại)"))

    @admin.display(description=_("cấp lại mật khẩu"))
    def assisted_reset_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:participants_participant_assisted_reset", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Cấp liên kết đặt lại mật khẩu"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/cap-lai-mat-khau/",
                self.admin_site.admin_view(
                    lambda request, pk: assisted_reset_view(self, request, pk)
                ),
                name="participants_participant_assisted_reset",
            ),
            path(
                "<int:pk>/doi-thong-tin-dinh-danh/",
                self.admin_site.admin_view(self.identity_change_view),
                name="participants_participant_identity_change",
            ),
            *super().get_urls(),
        ]

    def identity_change_view(self, request, pk: int):
        participant = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, participant):
            raise PermissionDenied
        full = self._full(request)
        initial = {f: getattr(participant, f) for f in services.IDENTITY_FIELDS}
        initial["foreign_birth_confirmed"] = participant.foreign_birth_confirmed
        if not full:
            initial.pop("document_number")  # masked roles retype it only to change it
        elif request.method == "GET":
            services.personal_data_access_log(
                user=request.user, action="view", target=f"participant:{participant.pk}"
            )
        if request.method == "POST":
            form = IdentityChangeForm(request.POST, initial=initial)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.identity_change(
                        participant=participant,
                        changed_by=request.user,
                        reason=data["reason"],
                        changes={
                            f: data[f]
                            for f in services.IDENTITY_FIELDS
                            if f != "document_number" or data[f]
                        },
                        foreign_birth_confirmed=data["foreign_birth_confirmed"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Đã sửa và ghi lại thay đổi thông tin định danh."))
                    return redirect("admin:participants_participant_change", participant.pk)
        else:
            form = IdentityChangeForm(initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": participant,
            "form": form,
            "title": _("Sửa thông tin định danh"),
            "document": (
                participant.document_number if full else mask_document(participant.document_number)
            ),
        }
        return TemplateResponse(request, "participants/admin_identity_change.html", context)


class AgeGroupFilter(admin.SimpleListFilter):
    """Age groups by their stored keys, named in Vietnamese (the groups differ per contest,
    so the label says only the bound the key stands for)."""

    title = _("nhóm tuổi")
    parameter_name = "age_group"

    def lookups(self, request, model_admin):
        keys = model_admin.get_queryset(request).order_by().values_list("age_group", flat=True)
        return [(key, age_group_key_label(key)) for key in sorted(set(keys.distinct()))]

    def queryset(self, request, queryset):
        return queryset.filter(age_group=self.value()) if self.value() else queryset


class TimeAllowanceGrantInline(admin.TabularInline):
    """The history of a person's extra time (read only: grants go through the action)."""

    model = TimeAllowanceGrant
    fields = ("at", "minutes", "reason", "granted_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # Whoever sees the registration (its admin is scoped) sees its history.
        return request.user.has_perm("participants.view_registration")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimeAllowanceForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Số phút làm bài thêm"),
        min_value=0,
        max_value=MAX_EXTRA_MINUTES,
        help_text=_("Cộng vào thời gian làm bài của mỗi lần thi bắt đầu từ bây giờ; 0 để bỏ."),
        error_messages={
            "required": _("Vui lòng nhập số phút."),
            "invalid": _("Số phút phải là số nguyên."),
            "min_value": _("Số phút không được âm."),
            "max_value": _("Tối đa %(limit_value)s phút."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Vui lòng ghi lý do."),
            "max_length": _("Lý do tối đa %(limit_value)s ký tự."),
        },
    )


@admin.register(Registration)
class RegistrationAdmin(IdentityColumnsMixin, ScopedModelAdmin):
    unit_path_field = "unit__path"
    list_display = (
        "participant",
        "contest",
        "unit",
        "block",
        "document_masked",
        "age_on_reference",
        "age_group_label",
        "consent_publish",
        "guardian_consent",
        "needs_review",
    )
    list_filter = ("needs_review", AgeGroupFilter, "consent_publish", "contest")
    list_select_related = ("participant", "contest", "unit", "block")
    search_fields = ("participant__full_name",)
    search_help_text = _("Tìm chính xác theo số điện thoại hoặc số giấy tờ, hoặc theo họ tên.")
    list_editable = ("needs_review",)
    fields = (
        "participant",
        "contest",
        "unit",
        "block",
        "document_type",
        "document_masked",
        "age_on_reference",
        "age_group_label",
        "consent_participation",
        "consent_publish",
        "guardian_name",
        "guardian_relationship",
        "guardian_consent",
        "needs_review",
        "extra_minutes",
        "created_at",
    )
    # Only the review flag is edited here; the rest changes through the services (extra
    # time through the "Cho thêm thời gian làm bài" action, audited).
    readonly_fields = tuple(name for name in fields if name != "needs_review")
    inlines = [TimeAllowanceGrantInline]
    actions = ["grant_time_allowance"]

    @admin.action(description=_("Cho thêm thời gian làm bài"), permissions=["change"])
    def grant_time_allowance(self, request, queryset):
        """Extra minutes for the chosen registrations (the queryset is already the
        organiser's subtree; the service checks it again), with a reason, each audited."""
        form = TimeAllowanceForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for registration in queryset.select_related("participant"):
                try:
                    time_allowance_grant(
                        registration=registration,
                        minutes=form.cleaned_data["minutes"],
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    )
                except Refused as refusal:
                    refused.append(f"{registration.participant.full_name}: {refusal.message}")
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    _("Đã cho thêm %(m)s phút làm bài cho %(n)s người dự thi.")
                    % {"m": form.cleaned_data["minutes"], "n": done},
                    messages.SUCCESS,
                )
            for line in refused:
                self.message_user(request, line, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/participants/registration/time_allowance.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Cho thêm thời gian làm bài"),
                "form": form,
                "registrations": queryset.select_related("participant", "contest", "unit"),
                "action": "grant_time_allowance",
            },
            status=400 if form.is_bound else 200,
        )

    @admin.display(description=_("nhóm tuổi"), ordering="age_group")
    def age_group_label(self, obj: Registration) -> str:
        return age_group_label(obj.age_group, contest_age_groups(contest=obj.contest))

    def has_add_permission(self, request):
        return False  # registrations go through registration_create (eligibility, consent)

    # --- Unit invite links and their posters ----------------------------------------------

    INVITES_PER_PAGE = 100

    def get_urls(self):
        return [
            path(
                "loi-moi/",
                self.admin_site.admin_view(self.invite_links_view),
                name="participants_registration_invites",
            ),
            path(
                "loi-moi/<int:contest_id>/<int:unit_id>/ap-phich/",
                self.admin_site.admin_view(self.invite_poster_view),
                name="participants_registration_invite_poster",
            ),
            *super().get_urls(),
        ]

    def _invite_prefix(self, request) -> str:
        prefix = path_prefix_for(user=request.user)
        if prefix is None or not self.has_view_permission(request):
            raise PermissionDenied
        return prefix

    def _invite_url(self, request, contest_id: int, unit_id: int) -> str:
        token = invite_token(contest_id=contest_id, unit_id=unit_id)
        return request.build_absolute_uri(reverse("participants:invite", args=[token]))

    def invite_links_view(self, request):
        """Each unit of a contest's tree (inside the organiser's subtree): its invite link,
        how many registered through it, its poster."""
        prefix = self._invite_prefix(request)
        contests = list(invite_contests_for(path_prefix=prefix))
        raw = request.GET.get("cuoc-thi", "")
        contest = next((c for c in contests if str(c.pk) == raw.strip()), None)
        if raw and contest is None:
            messages.error(request, _("Không có cuộc thi này trong phạm vi của bạn."))
        if contest is None and contests:
            contest = contests[0]
        rows, page, total = [], None, 0
        if contest is not None:
            units = invite_units_for(contest=contest, path_prefix=prefix).only(
                "id", "name", "code", "depth", "path"
            )
            page = Paginator(units, self.INVITES_PER_PAGE).get_page(request.GET.get("trang"))
            counts = invite_counts(contest=contest, unit_ids=[u.pk for u in page])
            top = min((u.depth for u in page), default=0)
            rows = [
                {
                    "unit": unit,
                    "indent": range(unit.depth - top),
                    "url": self._invite_url(request, contest.pk, unit.pk),
                    "count": counts.get(unit.pk, 0),
                    "poster": reverse(
                        "admin:participants_registration_invite_poster",
                        args=[contest.pk, unit.pk],
                    ),
                }
                for unit in page
            ]
            total = Registration.objects.filter(
                contest=contest, invited_via__path__startswith=prefix
            ).count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Liên kết mời và áp phích của đơn vị"),
            "contests": contests,
            "contest": contest,
            "rows": rows,
            "page": page,
            "total": total,
        }
        return TemplateResponse(request, "participants/admin_invite_links.html", context)

    def invite_poster_view(self, request, contest_id: int, unit_id: int):
        """A printable A4 poster (HTML, print stylesheet, no JavaScript) with the link's QR."""
        prefix = self._invite_prefix(request)
        contest = invite_contests_for(path_prefix=prefix).filter(pk=contest_id).first()
        unit = (
            invite_units_for(contest=contest, path_prefix=prefix).filter(pk=unit_id).first()
            if contest is not None
            else None
        )
        if unit is None:
            raise Http404(_("Không có đơn vị này trong phạm vi của bạn."))
        url = self._invite_url(request, contest.pk, unit.pk)
        context = {"contest": contest, "unit": unit, "url": url, "qr": qr_svg(url)}
        return TemplateResponse(request, "participants/invite_poster.html", context)

    def get_search_results(self, request, queryset, search_term):
        phone, number = normalised_search_terms(search_term)
        if phone or number:
            match = Q(participant__phone=phone) if phone else Q()
            if number:
                match |= Q(document_number=number)
            found = queryset.filter(match)
            if found.exists():
                return found, False
        return super().get_search_results(request, queryset, search_term)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Not tied to a unit: only the system administrator manages it."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(SuperuserOnlyAdmin):
    list_display = ("version", "published_at")

    def has_change_permission(self, request, obj=None):
        # A published version never changes: publish a new version instead.
        return request.user.is_superuser and obj is None


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(SuperuserOnlyAdmin):
    list_display = ("at", "user", "action_text", "target_text")
    list_filter = ("action",)
    fields = ("at", "user", "action_text", "target_text")
    readonly_fields = fields

    @admin.display(description=_("thao tác"), ordering="action")
    def action_text(self, obj):
        return data_access_text.action_text(obj.action)

    @admin.display(description=_("dữ liệu đã xem"))
    def target_text(self, obj):
        models = {m._meta.model_name: str(m._meta.verbose_name) for m in apps.get_models()}
        return data_access_text.target_text(obj.target, models)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmsDelivery)
class SmsDeliveryAdmin(SuperuserOnlyAdmin):
    """The SMS delivery log (participants.sms): what was sent to whom and what became of it.
    The texts are not stored (they hold codes)."""

    list_display = ("created_at", "to_masked", "purpose", "backend", "status", "attempts", "error")
    list_filter = ("status", "purpose")
    readonly_fields = (
        "created_at",
        "to_masked",
        "purpose",
        "backend",
        "status",
        "attempts",
        "provider_id",
        "error",
        "sent_at",
    )
    fields = readonly_fields

    @admin.display(description=_("số nhận"))
    def to_masked(self, obj):
        return mask_phone(obj.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Duplicate accounts queue ----------------------------------------------------------------


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn một quyết định."),
            "invalid_choice": _("Vui lòng chọn một quyết định."),
        },
    )
    note = forms.CharField(
        label=_("Lý do quyết định"),
        max_length=300,
        error_messages={"required": _("Vui lòng ghi lý do quyết định.")},
    )

    def __init__(self, *args, decisions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(k, label) for k, (label, _do) in decisions.items()]


class DuplicateSuspectAdmin(admin.ModelAdmin):
    """The queue of possible second accounts. Visible to an organiser when both accounts are
    visible to them on the people page (same scope rule); decided on its own page, through
    the services, each decision recorded on the row (who, when, what, why).

    `decisions()` lists what an organiser may decide; scoring/admin/duplicates.py extends it
    with "disqualify" (scoring owns disqualification; participants never imports scoring)."""

    list_display = (
        "duplicate",
        "original",
        "reason",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decide_link",
    )
    list_filter = ("status", "reason")
    list_select_related = ("duplicate", "original", "decided_by")
    fields = (
        "duplicate",
        "original",
        "reason",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "decision_details_text",
        "decide_link",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        people = self.admin_site.get_model_admin(Participant).get_queryset(request)
        return queryset.filter(duplicate__in=people, original__in=people)

    def has_add_permission(self, request):
        return False  # found by registration (and the migration that added the queue)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("participants.change_participant")

    def has_delete_permission(self, request, obj=None):
        return False  # a decision is audit: kept

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("participants.view_participant")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("chi tiết"))
    def decision_details_text(self, obj):
        lines = decision_details_lines(obj.decision_details)
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    @admin.display(description=_("xử lý"))
    def decide_link(self, obj):
        if obj is None or obj.pk is None or obj.status != DuplicateSuspect.Status.OPEN:
            return "-"
        url = reverse("admin:participants_duplicatesuspect_decide", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Xử lý"))

    def decisions(self) -> dict:
        """name -> (label, do(request, suspect, note)). Each `do` calls one service."""
        return {
            "keep_original": (
                _("Gộp: giữ tài khoản có trước, chuyển các đăng ký dự thi sang đó"),
                lambda request, suspect, note: services.duplicate_merge(
                    suspect=suspect, keep=suspect.original, user=request.user, note=note
                ),
            ),
            "keep_duplicate": (
                _("Gộp: giữ tài khoản nghi trùng, chuyển các đăng ký dự thi sang đó"),
                lambda request, suspect, note: services.duplicate_merge(
                    suspect=suspect, keep=suspect.duplicate, user=request.user, note=note
                ),
            ),
            "not_duplicate": (
                _("Không phải trùng: hai người khác nhau"),
                lambda request, suspect, note: services.duplicate_decide(
                    suspect=suspect,
                    status=DuplicateSuspect.Status.NOT_DUPLICATE,
                    user=request.user,
                    note=note,
                ),
            ),
        }

    def get_urls(self):
        return [
            path(
                "<int:pk>/xu-ly/",
                self.admin_site.admin_view(self.decide_view),
                name="participants_duplicatesuspect_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        suspect = get_object_or_404(
            self.get_queryset(request).select_related("original", "duplicate"), pk=pk
        )
        if not self.has_change_permission(request, suspect):
            raise PermissionDenied
        decisions = self.decisions()
        if request.method == "POST":
            form = DuplicateDecisionForm(request.POST, decisions=decisions)
            if form.is_valid():
                _label, do = decisions[form.cleaned_data["decision"]]
                try:
                    do(request, suspect, form.cleaned_data["note"])
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Đã ghi nhận quyết định."))
                    return redirect("admin:participants_duplicatesuspect_changelist")
        else:
            form = DuplicateDecisionForm(decisions=decisions)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": suspect,
            "form": form,
            "title": _("Xử lý tài khoản nghi trùng"),
            "accounts": [
                (_("Tài khoản có trước"), suspect.original),
                (_("Tài khoản nghi trùng"), suspect.duplicate),
            ],
        }
        return TemplateResponse(request, "participants/admin_duplicate_decide.html", context)


admin.site.register(DuplicateSuspect, DuplicateSuspectAdmin)


# Registered after the admins above: the roster's, and Django's and axes' own in Vietnamese.
from participants import admin_roster, admin_vietnamese  # noqa: E402, F401
