"""The contest's participant categories (cán bộ, công chức, viên chức / học sinh, sinh viên /
người dân) as an inline of the contest page: a name, an order, and the blocks whose people fall
into it without choosing (participants.rules.category). The blocks offered are the children of
the contest's participation root that the organiser sees."""

from django.contrib import admin

from contests.admin.children import ContestChildInline
from contests.models import Category, Contest, Unit
from contests.selectors import units_visible_to


class CategoryInline(ContestChildInline, admin.TabularInline):
    """Editable only by the organisers who own the contest (ContestChildInline)."""

    model = Category
    extra = 0
    fields = ["order", "name", "blocks"]

    def _contest(self, request) -> Contest | None:
        object_id = request.resolver_match.kwargs.get("object_id")
        if object_id is None:
            return None
        return Contest.objects.select_related("participation_root").filter(pk=object_id).first()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "blocks":
            contest = self._contest(request)
            if contest is None:
                kwargs["queryset"] = Unit.objects.none()  # blocks come with the contest's tree
            else:
                root = contest.participation_root
                kwargs["queryset"] = (
                    units_visible_to(user=request.user)
                    .filter(path__startswith=root.path, depth=root.depth + 1)
                    .order_by("path")
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
