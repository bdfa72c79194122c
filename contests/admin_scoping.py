"""Organiser scoping for every admin page: a staff account attached to a unit sees and changes
only rows inside that unit's subtree. Lists, change pages (404 outside), foreign-key dropdowns,
filters, autocomplete and actions all go through `get_queryset` and `formfield_for_foreignkey`
here, so a ModelAdmin only names the path to the unit (`unit_path_field`)."""

from django.contrib import admin

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = units_visible_to(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
