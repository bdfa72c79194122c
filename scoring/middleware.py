"""Mass-start admission control, in front of the session, authentication and the view.

When a school or an office makes everyone press "Bắt đầu" at once, the requests queue in the
server's listen backlog; each start costs a draw and an INSERT, so the last one would wait for
all the others and time out. Here a start POST beyond settings.EXAM_START_RATE per second
(a virtual queue in Redis for the whole site) is answered at once with a small "Vui lòng chờ"
page (HTTP 503 + Retry-After) that holds a signed ticket for a later slot and posts the start
again by itself when the slot comes (to the millisecond: the page's script waits the delay the
server gives, `data-retry-ms`): no session load, no query, no draw. The admitted starts go
on at the rate the servers can carry, and each person waits once."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from contest_site.metrics import START_GATE
from scoring.services.gate import start_admit

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
TICKET_FIELD = "ve"


class StartAdmissionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix: str | None = None

    def prefix(self) -> str:
        if self._prefix is None:
            self._prefix = reverse("scoring:start", args=["x"])[: -len("x/")]
        return self._prefix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.method == "POST" and path.startswith(self.prefix()):
            slug = path[len(self.prefix()) :].rstrip("/")
            if SLUG.fullmatch(slug):  # anything else is the URL resolver's 404
                wait_ms, ticket = start_admit(ticket=request.POST.get(TICKET_FIELD, ""))
                START_GATE.labels("wait" if wait_ms else "admitted").inc()
                if wait_ms:
                    return wait_page(
                        request,
                        start_url=f"{self.prefix()}{slug}/",
                        wait_ms=wait_ms,
                        ticket=ticket,
                    )
        return self.get_response(request)


def wait_page(request: HttpRequest, *, start_url: str, wait_ms: int, ticket: str) -> HttpResponse:
    # Whole seconds for the header (HTTP's unit) and the text; the script uses the ms.
    retry_after = -(-wait_ms // 1000)
    response = render(
        request,
        "scoring/wait.html",
        {
            "start_url": start_url,
            "retry_after": retry_after,
            "ticket": ticket,
            "ticket_field": TICKET_FIELD,
            # The script comes back exactly at the slot: no jitter (the slots themselves are
            # 1/rate apart), no rounding to the second (which left the gate idle).
            "retry_ms": wait_ms,
        },
        status=503,
    )
    response["Retry-After"] = str(retry_after)
    # An answer by design, not a server fault: keep it out of django.request's error log.
    response._has_been_logged = True
    return response
