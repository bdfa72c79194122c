"""Attempts in admin: read only, scoped to the organiser's subtree through the registration's
unit."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contests.access import answer_key_visible_to
from contests.admin_scoping import ScopedModelAdmin
from scoring.models import Attempt


@admin.register(Attempt)
class AttemptAdmin(ScopedModelAdmin):
    """Attempts change only through the services (start, autosave, submit, grading): the
    admin shows them, never edits them."""

    unit_path_field = "registration__unit__path"
    list_display = (
        "id",
        "participant_name",
        "contest",
        "round",
        "number",
        "status",
        "correct_count",
        "question_count",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "contest")
    search_fields = ("=id", "registration__participant__full_name")
    list_select_related = ("registration__participant", "contest", "round")
    date_hierarchy = "started_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in Attempt._meta.fields]
    fields = readonly_fields
    # The drawn questions and the chosen options: of a perfect attempt, they are the key.
    KEY_FIELDS = ("items", "answers")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not answer_key_visible_to(user=request.user, contest=obj.contest):
            return [f for f in fields if f not in self.KEY_FIELDS]
        return fields

    @admin.display(description=_("người dự thi"), ordering="registration__participant__full_name")
    def participant_name(self, obj):
        return obj.registration.participant.full_name

    def get_queryset(self, request):
        return super().get_queryset(request).defer("items", "answers")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
