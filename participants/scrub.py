"""Personal data out of an error report before it leaves the server (the optional Sentry-style
reporter, contest_site/sentry.py): an exception message or a breadcrumb may hold a CCCD or a
phone number that a form or a query carried.

Numbers are masked with the project's one rule (`contests.masking.mask_document`,
`participants.masking.mask_phone`), e-mail addresses keep only their domain, and the parts of
an event that are personal by nature (request bodies, cookies, credentials, the user beyond an
id) are dropped. Pure functions: no Django, no database."""

from __future__ import annotations

import re

from contests.masking import mask_document
from participants.masking import mask_phone

# A phone: 0 and 9 digits, or +84 and 9 digits. A document: CMND (9 digits), CCCD (12 digits),
# a passport (a letter and 7 digits). Runs of other lengths (row ids, amounts) are left alone.
_PHONE = re.compile(r"(?<![\w+])(?:\+84\d{9}|0\d{9})(?!\w)")
_DOCUMENT = re.compile(r"(?<!\w)(?:\d{12}|\d{9}|[A-Za-z]\d{7})(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")

DROPPED_HEADERS = {"cookie", "authorization", "x-csrftoken", "proxy-authorization"}


def text_scrub(text: str) -> str:
    """Phones, identity numbers and e-mail addresses in free text, masked."""
    text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
    text = _DOCUMENT.sub(lambda m: mask_document(m.group()), text)
    return _EMAIL.sub(lambda m: "***@" + m.group(1), text)


def _scrub_values(value):
    if isinstance(value, str):
        return text_scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_values(item) for item in value]
    return value


def error_event_scrub(event: dict, hint: dict | None = None) -> dict:
    """A Sentry event (a dict) without personal data: the request's body, cookies and
    credential headers dropped, the user reduced to an id, every remaining string masked."""
    event = dict(event)
    request = event.get("request")
    if isinstance(request, dict):
        request = {k: v for k, v in request.items() if k not in ("data", "cookies", "env")}
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                k: v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS
            }
        event["request"] = request
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _scrub_values(event)
