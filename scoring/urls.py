from django.urls import path

from scoring import views, views_certificates

app_name = "scoring"

urlpatterns = [
    path("", views.my_attempts, name="my_attempts"),
    path("bat-dau/<slug:slug>/", views.start, name="start"),
    path("<int:attempt_id>/", views.take, name="take"),
    path("<int:attempt_id>/luu/", views.autosave, name="autosave"),
    path("<int:attempt_id>/nop-bai/", views.submit, name="submit"),
    path("<int:attempt_id>/ket-qua/", views.result, name="result"),
    path("<int:attempt_id>/trang-thai/", views.result_status, name="result_status"),
    path(
        "chung-nhan/<str:token>/",
        views_certificates.certificate_verify,
        name="certificate_verify",
    ),
    path(
        "chung-nhan/<str:token>/tai-ve/",
        views_certificates.certificate_download,
        name="certificate_download",
    ),
    path("tra-cuu/<slug:slug>/", views.results_lookup, name="results_lookup"),
]
