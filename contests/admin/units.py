"""Admin for the unit tree and organiser accounts, scoped to the organiser's subtree.

The unit tree (django-treebeard's TreeAdmin) is scoped on every path treebeard adds as well:
the list starts at the organiser's own unit, the children and move endpoints refuse nodes
outside the subtree, and the "relative to" dropdown lists only the subtree. An organiser's own
unit belongs to the level above: it can be seen, not changed, moved or deleted.

"Nhập từ Excel" imports units from an .xlsx (contests.services.unit_import), confined to the
organiser's subtree; "Tải mẫu" downloads the template.

Unit pickers: every admin field that asks for a unit lists it in `autocomplete_fields` (Django's
vendored select2, no CDN). The search runs on this UnitAdmin (name or code, scoped to the
organiser's subtree by its get_queryset and again by get_search_results), and each result is
shown with its path ("Thành phố Hà Nội › Quận Thanh Xuân › Phường Nhân Chính") by
`UnitPathAutocompleteJsonView`, which takes the ancestors of a whole page of results in one
query. `UnitPickerMixin` shows the chosen unit with its path too and starts add forms at the
organiser's own unit."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from contest_site.untrusted import parse_id
from contests.admin_scoping import ScopedAdminMixin, ScopedModelAdmin, scope_queryset
from contests.models import Organiser, Unit
from contests.rules.unit_paths import ancestor_paths_of, path_label
from contests.selectors import organiser_unit, path_prefix_for, sees_everything, unit_subtree
from contests.services.unit_import import MAX_FILE_BYTES, units_import_xlsx, units_template_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_unit(user) -> Unit | None:
    """The unit an account is confined to; None when it sees everything (or nothing)."""
    if sees_everything(user=user):
        return None
    return organiser_unit(user=user)


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Các cột: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên, Loại, Số người."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )
    parent = forms.ModelChoiceField(
        label=_("Đơn vị cấp trên mặc định"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Các dòng để trống cột «Mã đơn vị cấp trên» được đặt dưới đơn vị này."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = _visible_units(user).order_by("path")
        scope = _scope_unit(user)
        field.empty_label = (
            _("— %(unit)s (đơn vị của bạn) —") % {"unit": scope.name}
            if scope is not None
            else _("— không có: đơn vị gốc —")
        )


# --- Unit pickers ---------------------------------------------------------------------------


def unit_path_labels(units) -> dict[int, str]:
    """{unit id: "Thành phố › Quận › Phường"} for the given units, with the names of all their
    ancestors read in one `path IN (...)` query (none when every unit is a root)."""
    units = list(units)
    wanted = ancestor_paths_of((u.path for u in units), steplen=Unit.steplen)
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {u.pk: path_label(u.path, u.name, names=names, steplen=Unit.steplen) for u in units}


class UnitPathAutocompleteJsonView(AutocompleteJsonView):
    """Django admin's autocomplete, with units named by their path. Everything else (which
    source fields are allowed, permissions, the scoped queryset of the target's admin,
    pagination) is Django's own."""

    path_labels: dict[int, str] | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.model_admin.model is Unit:
            self.path_labels = unit_path_labels(context["object_list"])
        return context

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if self.path_labels and obj.pk in self.path_labels:
            result["text"] = self.path_labels[obj.pk]
        return result


def unit_autocomplete_view(request):
    """Mounted at the admin's own autocomplete address (contest_site/urls.py, before the admin's
    URLs), so every autocomplete widget reaches it through the usual `admin:autocomplete`."""
    return UnitPathAutocompleteJsonView.as_view(admin_site=admin.site)(request)


class UnitPickerMixin:
    """For a ModelAdmin or inline whose unit fields are in `autocomplete_fields`: the chosen
    unit is shown with its path, and on an add form the fields in `unit_default_fields` start
    at the organiser's own unit (a superuser has none: they start empty)."""

    unit_default_fields: tuple[str, ...] = ()

    def unit_defaults(self, request) -> dict[str, int]:
        unit = organiser_unit(user=request.user)
        if unit is None:
            return {}
        return {name: unit.pk for name in self.unit_default_fields}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, pk in self.unit_defaults(request).items():
            initial.setdefault(name, pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            field is not None
            and db_field.related_model is Unit
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            # Only the chosen unit is rendered (the rest comes from the search): one query
            # for its ancestors, never one per option.
            field.label_from_instance = lambda unit: unit_path_labels([unit])[unit.pk]
            # Wide enough for "Thành phố … › Quận … › Phường …" (select2 reads data-width).
            getattr(field.widget, "widget", field.widget).attrs.setdefault("data-width", "34em")
        return field


def _visible_units(user):
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=prefix) if prefix else Unit.objects.all()


class _ScopedMoveNodeFormMixin:
    """The treebeard position fields, confined to `scope`'s subtree: a unit is always placed
    under a unit of the subtree, never as a root or beside the organiser's own unit."""

    scope: Unit

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ref = self.fields["treebeard_ref_node"]
        ref.queryset = ref.queryset.filter(path__startswith=self.scope.path)
        ref.required = True
        ref.empty_label = None

    def clean(self):
        cleaned = super().clean()
        ref = cleaned.get("treebeard_ref_node")
        if (
            ref is not None
            and ref.pk == self.scope.pk
            and cleaned.get("treebeard_position") != "sorted-child"
        ):
            self.add_error(
                "treebeard_position",
                _("Đơn vị phải nằm bên trong %(unit)s, không ngang cấp với nó.")
                % {"unit": self.scope.name},
            )
        return cleaned


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, TreeAdmin):
    unit_path_field = "path"
    form = movenodeform_factory(Unit)
    change_list_template = "admin/contests/unit/change_list.html"
    list_display = ["name", "code", "kind", "headcount"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    ordering = ["path"]

    # --- Scope -------------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        # The pickers' search (autocomplete) as well as the list's: scoped here too, so that no
        # queryset handed in from elsewhere can list another district's units.
        queryset = scope_queryset(queryset, user=request.user, unit_path_field="path")
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        # TreeAdmin's own get_queryset lists the roots and looks nodes up unscoped; this one
        # starts from the organiser's unit and looks parents up inside the subtree.
        queryset = scope_queryset(
            admin.ModelAdmin.get_queryset(self, request),
            user=request.user,
            unit_path_field=self.unit_path_field,
        )
        if not hasattr(request, "_treebeard_parent_id") or getattr(
            request, "_ignore_treebeard_filters", False
        ):
            return queryset
        if self.is_filtered(request):
            request._treebeard_parent = None
            return queryset
        parent_id = request._treebeard_parent_id
        if parent_id:
            if parse_id(str(parent_id)) is None:
                raise Http404
            parent = get_object_or_404(queryset, pk=parent_id)
            request._treebeard_parent = parent
            return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
        request._treebeard_parent = None
        prefix = path_prefix_for(user=request.user)
        return queryset.filter(path=prefix) if prefix else queryset.filter(depth=1)

    def _is_own_unit(self, request, obj) -> bool:
        scope = _scope_unit(request.user)
        return obj is not None and scope is not None and obj.pk == scope.pk

    def has_change_permission(self, request, obj=None):
        return not self._is_own_unit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_own_unit(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if sees_everything(user=request.user):
            return form
        scope = organiser_unit(user=request.user)
        if scope is None:
            return form  # sees nothing: get_queryset is empty and the dropdown too
        return type(form.__name__, (_ScopedMoveNodeFormMixin, form), {"scope": scope})

    def move_node(self, request):
        """Drag and drop in the tree: both nodes must lie in the subtree, the organiser's own
        unit does not move, and nothing is placed beside it."""
        if not sees_everything(user=request.user):
            visible = self.get_queryset(request)
            try:
                node = visible.get(pk=parse_id(request.POST.get("node")))
                target = visible.get(pk=parse_id(request.POST.get("target")))
            except (ValueError, Unit.DoesNotExist) as exc:
                raise Http404 from exc
            if self._is_own_unit(request, node) or (
                self._is_own_unit(request, target) and request.POST.get("relation") != "child"
            ):
                raise PermissionDenied
        return super().move_node(request)

    # --- Import from Excel -------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "nhap-tu-excel/",
                self.admin_site.admin_view(self.import_view),
                name="contests_unit_import",
            ),
            path(
                "tai-mau/",
                self.admin_site.admin_view(self.template_view),
                name="contests_unit_template",
            ),
            *super().get_urls(),
        ]

    def children_view(self, request, parent_id):
        # treebeard's JSON listing of a node's children builds a change list from the query
        # string without the change list page's guard: an unknown filter was a 500.
        try:
            return super().children_view(request, parent_id)
        except IncorrectLookupParameters:
            return JsonResponse({"error": str(_("Bộ lọc danh sách không hợp lệ."))}, status=400)

    def changelist_view(self, request, extra_context=None):
        # TreeAdmin marks only a GET as a one-level listing; any other method that ends in the
        # list page (a POST without an action, a PUT) rendered it without the mark: a 500.
        if request.method != "GET":
            request._treebeard_parent = None
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        response = HttpResponse(units_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        user = request.user
        if not sees_everything(user=user) and organiser_unit(user=user) is None:
            raise PermissionDenied  # a staff account with no unit has nowhere to import to
        report = None
        form = UnitImportForm(request.POST or None, request.FILES or None, user=user)
        if request.method == "POST" and form.is_valid():
            scope = _scope_unit(user)
            report = units_import_xlsx(
                file=form.cleaned_data["file"],
                parent=form.cleaned_data["parent"] or scope,
                within=scope,
            )
            if report.ok:
                messages.success(request, report.summary())
                return redirect(reverse("admin:contests_unit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập đơn vị từ Excel"),
            "form": form,
            "report": report,
            "max_megabytes": MAX_FILE_BYTES // 1024 // 1024,
            "template_url": reverse("admin:contests_unit_template"),
        }
        return TemplateResponse(request, "admin/contests/unit/import.html", context)


@admin.register(Organiser)
class OrganiserAdmin(UnitPickerMixin, ScopedModelAdmin):
    unit_path_field = "unit__path"
    unit_default_fields = ("unit",)
    list_display = ["user", "unit"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]
    search_fields = ["user__username", "unit__name"]

    def get_field_queryset(self, db, db_field, request):
        if db_field.name == "user" and not sees_everything(user=request.user):
            # Only staff accounts that are free or already in the subtree: never the list of
            # every account (participants have accounts too) nor another district's staff.
            scope = organiser_unit(user=request.user)
            if scope is None:
                return get_user_model().objects.none()
            return (
                get_user_model()
                .objects.using(db)
                .filter(is_staff=True, is_superuser=False)
                .filter(
                    Q(organiser__isnull=True)
                    | Q(organiser__unit__in=unit_subtree(unit=scope).values("pk"))
                )
                .order_by("username")
            )
        return super().get_field_queryset(db, db_field, request)
