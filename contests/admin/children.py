"""What every inline of the contest page shares (contests.admin.contests, .categories)."""

from contests.models import Category, Round, Topic, Unit
from contests.selectors import contest_owned_by, units_visible_to


class ContestChildInline:
    """An inline of a contest: editable only by organisers who own the contest (the parent
    page is already scoped); unit drop-downs list only the organiser's subtree."""

    def _owned(self, request, obj) -> bool:
        return obj is None or contest_owned_by(user=request.user, contest=obj)

    def has_add_permission(self, request, obj=None):
        return self._owned(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._owned(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._owned(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = units_visible_to(user=request.user)
        if db_field.related_model in (Topic, Round, Category):
            object_id = request.resolver_match.kwargs.get("object_id")
            queryset = db_field.related_model.objects.filter(contest_id=object_id or 0)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
