from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from contests.admin_scoping import ScopedAdminMixin, ScopedModelAdmin
from contests.models import Organiser, Unit


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, TreeAdmin):
    unit_path_field = "path"
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "headcount"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Organiser)
class OrganiserAdmin(ScopedModelAdmin):
    unit_path_field = "unit__path"
    list_display = ["user", "unit"]
    autocomplete_fields = ["unit"]
    search_fields = ["user__username", "unit__name"]
