"""The 500 page is self-contained and translated (rendered without a request context)."""

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def test_server_error_page_in_vietnamese_and_english():
    request = RequestFactory().get("/")
    with translation.override("vi"):
        page = server_error(request).content.decode()
    assert "Hệ thống đang bận" in page and "không bị mất" in page
    with translation.override("en"):
        page = server_error(request).content.decode()
    assert "Hệ thống đang bận" not in page
    assert "<h1>" in page
