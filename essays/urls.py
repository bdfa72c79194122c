"""Essay pages. Mounted at /bai-du-thi/ (contest_site/urls.py). The citizen's pages
(views_entries); the judging pages live under their own prefix."""

from django.urls import path

from essays import views_entries

app_name = "essays"

urlpatterns = [
    path("", views_entries.essay_list, name="list"),
    path("<int:task_id>/", views_entries.essay_task, name="task"),
    path("tep/<str:code>/", views_entries.essay_file, name="file"),
]
