from django.urls import path

from reports import views

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
    path("<slug:slug>/cap-nhat-so-lieu/", views.refresh, name="refresh"),
]
