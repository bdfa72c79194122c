"""The judges' pages, mounted at /cham-thi/ (contest_site/urls.py)."""

from django.urls import path

from essays import views_judge

app_name = "essays_judge"

urlpatterns = [
    path("", views_judge.judge_home, name="home"),
    path("tiep-theo/", views_judge.judge_next, name="next"),
    path("bai/<str:code>/", views_judge.judge_entry, name="entry"),
    path("bai/<str:code>/tep/", views_judge.judge_entry_file, name="file"),
]
