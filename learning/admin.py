"""Learning in admin. Practice and review attempts are read only (they change only through
learning.services) and scoped like everything else: an organiser sees the practice of the
people living in their subtree (the residence unit: a practice attempt has no registration);
superusers and the root see all. The drawn questions and answers are shown only to the owner
side of the contest (`answer_key_visible_to`): of a perfect attempt, they are the key."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contests.access import answer_key_visible_to
from contests.admin_scoping import ScopedModelAdmin
from learning.models import PracticeAttempt


@admin.register(PracticeAttempt)
class PracticeAttemptAdmin(ScopedModelAdmin):
    unit_path_field = "participant__residence_unit__path"
    list_display = (
        "id",
        "participant_name",
        "contest",
        "kind",
        "status",
        "correct_count",
        "question_count",
        "started_at",
        "finished_at",
    )
    list_filter = ("kind", "status", "contest")
    search_fields = ("=id",)
    list_select_related = ("participant", "contest")
    date_hierarchy = "started_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in PracticeAttempt._meta.fields]
    fields = readonly_fields
    KEY_FIELDS = ("items", "answers")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not answer_key_visible_to(user=request.user, contest=obj.contest):
            return [f for f in fields if f not in self.KEY_FIELDS]
        return fields

    @admin.display(description=_("người làm bài"), ordering="participant__full_name")
    def participant_name(self, obj):
        return obj.participant.full_name

    def get_queryset(self, request):
        return super().get_queryset(request).defer("items", "answers")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Item statistics ("Thống kê câu hỏi"): its own module (task B of issue 18).
from learning import admin_item_stats  # noqa: E402, F401
