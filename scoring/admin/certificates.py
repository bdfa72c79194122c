"""Admin for certificates: the organiser starts the making of a contest's certificates from
its published prize list (`…/contests/contest/<id>/giai-thuong/`, a button posting here), then
follows the job on a progress page that is reloaded by a link (no script); the certificates
made are listed read only, each with its download (the permission-checked view) and its public
verification page. Every page is scoped to the organiser's subtree."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from contests.admin_scoping import ScopedModelAdmin
from contests.models import Contest
from contests.refusals import Refused
from contests.selectors import contest_owned_by
from scoring.admin.grading import ReadOnlyMixin
from scoring.models import Certificate, CertificateJob
from scoring.services.certificates import certificate_job_start


@admin.register(CertificateJob)
class CertificateJobAdmin(ReadOnlyMixin, ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["id", "contest", "version", "status", "progress", "created_at"]
    list_filter = ["status"]
    list_select_related = ["contest", "snapshot"]

    @admin.display(description=_("phiên bản kết quả"))
    def version(self, obj):
        return obj.snapshot.version

    @admin.display(description=_("tiến độ"))
    def progress(self, obj):
        return format_html(
            '<a href="{}">{}/{} ({}%)</a>',
            reverse("admin:scoring_certificate_progress", args=[obj.pk]),
            obj.done,
            obj.total,
            obj.percent,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:job_id>/tien-do/",
                wrap(self.progress_view),
                name="scoring_certificate_progress",
            ),
            path(
                "cap/<int:contest_id>/",
                wrap(require_POST(self.start_view)),
                name="scoring_certificate_start",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request, job_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            self.get_queryset(request).select_related("contest", "snapshot"), pk=job_id
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Tiến độ tạo giấy chứng nhận"),
            "job": job,
            "running": job.status in (CertificateJob.Status.QUEUED, CertificateJob.Status.RUNNING),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "scoring/certificate_admin_progress.html", context)

    def start_view(self, request, contest_id):
        """POST from the prize list page: queue the job, then show its progress. A contest
        outside the organiser's subtree is a 404, like one that does not exist."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        contest = Contest.objects.select_related("owner_unit").filter(pk=contest_id).first()
        if contest is None or not contest_owned_by(user=request.user, contest=contest):
            raise Http404(gettext("Không tìm thấy cuộc thi."))
        prizes = reverse("admin:contests_contest_prizes", args=[contest.pk])
        try:
            job = certificate_job_start(
                contest=contest, user=request.user, base_url=request.build_absolute_uri("/")
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(prizes)
        messages.success(
            request,
            gettext("Đã bắt đầu tạo giấy chứng nhận (kết quả phiên bản %(version)s).")
            % {"version": job.snapshot.version},
        )
        return HttpResponseRedirect(reverse("admin:scoring_certificate_progress", args=[job.pk]))


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, ScopedModelAdmin):
    unit_path_field = "registration__unit__path"
    list_display = ["full_name", "award", "unit_name", "contest", "version", "in_force", "links"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "kind"]
    list_select_related = ["contest", "snapshot"]
    search_fields = ["full_name", "=token"]

    @admin.display(description=_("phiên bản kết quả"))
    def version(self, obj):
        return obj.snapshot.version

    @admin.display(description=_("còn hiệu lực"), boolean=True)
    def in_force(self, obj):
        return obj.revoked_at is None

    @admin.display(description=_("tệp"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("scoring:certificate_download", args=[obj.token]),
            gettext("Tải PDF"),
            reverse("scoring:certificate_verify", args=[obj.token]),
            gettext("Trang xác minh"),
        )
