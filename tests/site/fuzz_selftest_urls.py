"""A URLconf for test_fuzz's check of the fuzzer itself: a view that fails, one that writes on
a GET, one that is fine."""

from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.urls import path


def boom(request):
    raise ValueError("hỏng")


def writes(request):
    Group.objects.create(name="ghi khi GET")
    return HttpResponse("ok")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", boom, name="boom"),
    path("writes/", writes, name="writes"),
    path("fine/", fine, name="fine"),
]
