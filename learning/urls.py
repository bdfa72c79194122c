"""Mounted under the contest: /cuoc-thi/<slug>/thi-thu/... and /cuoc-thi/<slug>/on-lai-cau-sai/...
(contest_site/urls.py)."""

from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("thi-thu/", views.practice_home, name="practice"),
    path("thi-thu/<int:practice_id>/", views.practice_take, name="practice_take"),
    path("thi-thu/<int:practice_id>/luu/", views.practice_autosave, name="practice_autosave"),
    path("thi-thu/<int:practice_id>/nop-bai/", views.practice_submit, name="practice_submit"),
    path("thi-thu/<int:practice_id>/ket-qua/", views.practice_result, name="practice_result"),
    path("on-lai-cau-sai/", views.review_home, name="review"),
    path("on-lai-cau-sai/<int:practice_id>/", views.review_take, name="review_take"),
    path("on-lai-cau-sai/<int:practice_id>/ket-thuc/", views.review_end, name="review_end"),
]
