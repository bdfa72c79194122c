from django.urls import path

from contests import views

app_name = "contests"

urlpatterns = [
    path("", views.home, name="home"),
    path("cuoc-thi/", views.contest_list, name="contest_list"),
    path("cuoc-thi/<slug:slug>/", views.contest_detail, name="contest_detail"),
    path("thong-bao/<int:pk>/da-doc/", views.announcement_read, name="announcement_read"),
    path("anh-chia-se.png", views.site_share_image, name="site_share_image"),
    path(
        "cuoc-thi/<slug:slug>/anh-chia-se.png",
        views.contest_share_image,
        name="contest_share_image",
    ),
]
