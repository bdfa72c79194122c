from django.contrib.auth import views as auth_views
from django.urls import path

from participants import views
from participants.accounts import views as accounts

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
    # Accounts (participants/accounts/).
    path("quen-mat-khau/", accounts.recovery_request, name="recovery"),
    path("quen-mat-khau/nhap-ma/", accounts.recovery_code, name="recovery_code"),
    path(
        "dat-lai-mat-khau/<int:pk>/<str:token>/",
        accounts.assisted_reset,
        name="assisted_reset",
    ),
    path("doi-so-dien-thoai/", accounts.phone_change, name="phone_change"),
    path("doi-so-dien-thoai/xac-nhan/", accounts.phone_change_code, name="phone_change_code"),
    path("du-lieu-cua-toi/", accounts.my_data, name="my_data"),
    path("xoa-tai-khoan/", accounts.delete_account, name="delete_account"),
    path("ngon-ngu/", accounts.language_switch, name="language"),
]
