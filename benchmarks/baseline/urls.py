from django.urls import include, path

from benchmarks.baseline import views

urlpatterns = [
    path("bench/insert/", views.bare_insert),
    path("bench/render/", views.bare_render),
    path("", include("contest_site.urls")),
]
