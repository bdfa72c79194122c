"""Text messages (SMS), through a backend chosen in settings like Django's e-mail backends:

    SMS_BACKEND = "participants.sms.backends.console.SmsBackend"   # prints (the demo)
    SMS_BACKEND = "participants.sms.backends.locmem.SmsBackend"    # participants.sms.outbox
    SMS_BACKEND = "participants.sms.backends.filebased.SmsBackend" # one JSON line per SMS
    SMS_BACKEND = "participants.sms.backends.http.SmsBackend"      # a brandname gateway

Every message gets a SmsDelivery row (to, purpose, backend, status, attempts, the gateway's
id); the text is never stored because it carries a code. See docs/accounts.md."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

# Messages sent through the locmem backend, newest last (tests read it, as mail.outbox).
outbox: list[dict] = []

DEFAULT_BACKEND = "participants.sms.backends.console.SmsBackend"


def sms_backend():
    """An instance of the backend settings.SMS_BACKEND names."""
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def sms_send(*, to: str, text: str, purpose: str):
    """Hand one SMS to the configured backend; returns its SmsDelivery row (status `sent`
    for the local backends, `queued` for the gateway until a worker delivers it)."""
    from participants.models import SmsDelivery

    backend = sms_backend()
    delivery = SmsDelivery.objects.create(
        to=to, purpose=purpose[:20], backend=type(backend).__module__[-100:]
    )
    backend.send(delivery=delivery, text=text)
    return delivery
