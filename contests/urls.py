from django.urls import path

from contests import views

app_name = "contests"

urlpatterns = [
    path("", views.home, name="home"),
    path("cuoc-thi/", views.contest_list, name="contest_list"),
    path("cuoc-thi/<slug:slug>/", views.contest_detail, name="contest_detail"),
]
