from django.contrib.auth import views as auth_views
from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("dang-nhap/", views.ParticipantLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("moi/<str:token>/", views.invite, name="invite"),
    path("ho-so/", views.profile, name="profile"),
    path("cuoc-thi-cua-toi/", views.my_contests, name="my_contests"),
    path("tham-gia/<slug:slug>/", views.join, name="join"),
    path("don-vi/<int:pk>/con/", views.unit_children_json, name="unit_children"),
]
