from django.contrib.auth import views as auth_views
from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="participants/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("cuoc-thi-cua-toi/", views.my_contests, name="my_contests"),
]
