from django.urls import path

from reports import views, views_targets

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tep-xuat/", views.export_list, name="export_list"),
    path("tep-xuat/<int:job_id>/", views.export_detail, name="export_detail"),
    path("tep-xuat/<int:job_id>/tai-ve/", views.export_download, name="export_download"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/tom-tat/", views.summary, name="summary"),
    path("<slug:slug>/xep-hang/", views.ranking, name="ranking"),
    path("<slug:slug>/xuat-excel/", views.export_create, name="export_create"),
    path("<slug:slug>/chua-tham-gia/", views_targets.roster_pending, name="roster_pending"),
    path(
        "<slug:slug>/chua-tham-gia/excel/",
        views_targets.roster_pending_export,
        name="roster_pending_export",
    ),
    path("<slug:slug>/doi-chieu/", views_targets.roster_rematch, name="roster_rematch"),
    path("<slug:slug>/cap-nhat-so-lieu/", views.refresh, name="refresh"),
]
