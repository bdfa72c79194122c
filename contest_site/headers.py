"""Response headers and bodies that every view would otherwise have to remember.

- `PrivateResponsesMiddleware`: the reports pages and every file download (exports, question
  bank template and export, unit template…) carry `Cache-Control: private, no-store`. They
  hold personal data and figures for one organiser's subtree: no shared proxy and no browser
  cache may keep a copy. A download is recognised by its reply (a FileResponse or a
  Content-Disposition header), so a new download view is covered without a decorator.
- `MethodNotAllowedPageMiddleware`: Django's HttpResponseNotAllowed (require_POST…) has an
  empty body, a blank page in the browser; it gets the site's Vietnamese 405 page."""

from __future__ import annotations

from django.http import FileResponse
from django.template.loader import render_to_string

PRIVATE = "private, no-store"
# The URL namespaces whose every page is private.
PRIVATE_NAMESPACES = ("reports",)


def is_private_response(request, response) -> bool:
    """A reports page, or a file download."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace in PRIVATE_NAMESPACES:
        return True
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private_response(request, response):
            response["Cache-Control"] = PRIVATE
        return response


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
