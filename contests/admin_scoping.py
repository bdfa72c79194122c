"""Organiser scoping for every admin page: a staff account attached to a unit sees and changes
only rows inside that unit's subtree; the account attached to the root (the city) and
superusers see everything; a staff account with no unit sees nothing.

A ModelAdmin only names the path to the row's unit (`unit_path_field`); this mixin applies it
everywhere Django admin reads rows:
- lists, change, delete and history pages, actions and autocomplete: `get_queryset`;
- a change/delete/history URL of a row outside the subtree: 404, like a row that does not exist
  (Django's default redirects to the index with "perhaps it was deleted?");
- foreign-key and many-to-many dropdowns (and the validation of a submitted id, also for
  autocomplete and raw-id widgets): `get_field_queryset` takes the related model's own scoped
  admin queryset when that model's admin is scoped too, and the visible units for `Unit`;
- list filters on a relation: only the related rows that the visible rows point to
  (`RelatedOnlyFieldListFilter`), never the whole related table."""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404

from contests.models import Unit
from contests.selectors import path_prefix_for, units_visible_to


def scope_queryset(queryset, *, user, unit_path_field: str):
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset
    return queryset.filter(**{f"{unit_path_field}__startswith": prefix})


class ScopedAdminMixin:
    """Mix into a ModelAdmin; set `unit_path_field` to the lookup of the row's unit path,
    e.g. "path" for Unit itself, "owner_unit__path" for Contest."""

    unit_path_field: str = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scope_queryset(queryset, user=request.user, unit_path_field=self.unit_path_field)

    def get_field_queryset(self, db, db_field, request):
        related_model = db_field.remote_field.model
        if related_model is Unit:
            return units_visible_to(user=request.user).using(db).order_by("path")
        try:
            related_admin = self.admin_site.get_model_admin(related_model)
        except NotRegistered:
            related_admin = None
        if isinstance(related_admin, ScopedAdminMixin):
            queryset = related_admin.get_queryset(request).using(db)
            ordering = related_admin.get_ordering(request)
            return queryset.order_by(*ordering) if ordering else queryset
        return super().get_field_queryset(db, db_field, request)

    def get_list_filter(self, request):
        return [self._scoped_filter(spec) for spec in super().get_list_filter(request)]

    def _scoped_filter(self, spec):
        """A plain relation filter becomes a RelatedOnlyFieldListFilter."""
        field_path = spec[0] if isinstance(spec, tuple | list) else spec
        if not isinstance(field_path, str):
            return spec  # a SimpleListFilter class: its own lookups decide
        if isinstance(spec, tuple | list) and spec[1] is not admin.RelatedFieldListFilter:
            return spec
        try:
            field = get_fields_from_path(self.model, field_path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return spec
        if field.is_relation:
            return (field_path, admin.RelatedOnlyFieldListFilter)
        return spec

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Outside the subtree is the same as not there: 404, not a redirect that says
        # "perhaps it was deleted".
        raise Http404


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
