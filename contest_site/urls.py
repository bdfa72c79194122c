from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from contest_site.health import healthz
from contest_site.metrics import metrics_view
from contest_site.worker_health import BrokerCollector
from contests.admin.units import unit_autocomplete_view
from reports.metrics import DatabaseCollector

admin.site.site_header = _("Quản trị cuộc thi trực tuyến tìm hiểu pháp luật")
admin.site.site_title = _("Quản trị cuộc thi")
admin.site.index_title = _("Trang quản trị")

urlpatterns = [
    path("", include("contests.urls")),
    # Practice ("Thi thử") and review of missed questions, under the contest's own address.
    path("cuoc-thi/<slug:slug>/", include("learning.urls")),
    path("thi-sinh/", include("participants.urls")),
    path("bai-thi/", include("scoring.urls")),
    path("bai-du-thi/", include("essays.urls")),
    path("cham-thi/", include("essays.urls_judge")),
    path("bao-cao/", include("reports.urls")),
    path("bang-tong-sap/", include("reports.urls_board")),
    # The admin's own autocomplete address, answered with units named by their path.
    path("quan-tri/autocomplete/", admin.site.admin_view(unit_autocomplete_view)),
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    # Not public: configured addresses or a bearer token, else 404 (contest_site/metrics.py).
    path(
        "metrics",
        metrics_view,
        {"collectors": [DatabaseCollector(), BrokerCollector()]},
        name="metrics",
    ),
]
