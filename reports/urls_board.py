"""The public daily official board: its own namespace, so that it is not one of the private
reports pages (contest_site/headers.py PRIVATE_NAMESPACES)."""

from django.urls import path

from reports import views_public

app_name = "board"

urlpatterns = [
    path("<slug:slug>/", views_public.board, name="latest"),
    path("<slug:slug>/<str:day>/", views_public.board, name="day"),
    path("<slug:slug>/<str:day>/phien-ban-<int:version>/", views_public.board, name="version"),
    path(
        "<slug:slug>/<str:day>/phien-ban-<int:version>/tai-ve/",
        views_public.board_download,
        name="download",
    ),
]
