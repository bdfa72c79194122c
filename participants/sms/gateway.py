"""Posting one SMS to an HTTP gateway, with retries; the outcome on its SmsDelivery row.
Used by the HTTP backend (participants.sms.backends.http) through the Celery task, or inline
when the broker is down. The body and the answer's id come from the configured backend's
`payload` and `provider_id`, so a provider's subclass changes only those."""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings

from participants.models import SmsDelivery
from participants.sms import sms_backend

logger = logging.getLogger(__name__)

# Answers worth another try: the gateway is busy or broken, not our request.
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
BACKOFF_SECONDS = 0.5


class GatewayError(Exception):
    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


def gateway_config() -> dict:
    return {
        "URL": "",
        "TOKEN": "",
        "USER": "",
        "PASSWORD": "",
        "BRANDNAME": "",
        "TIMEOUT": 5,
        "RETRIES": 3,
        **getattr(settings, "SMS_GATEWAY", {}),
    }


def _post(*, backend, to: str, text: str, config: dict) -> str:
    url = config["URL"]
    if not url.startswith(("https://", "http://")):
        raise GatewayError("SMS_GATEWAY_URL must be an http(s) URL", retry=False)
    data = json.dumps(backend.payload(to=to, text=text, config=config)).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if config["TOKEN"]:
        request.add_header("Authorization", f"Bearer {config['TOKEN']}")
    elif config["USER"]:
        pair = f"{config['USER']}:{config['PASSWORD']}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
    try:
        with urllib.request.urlopen(request, timeout=config["TIMEOUT"]) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise GatewayError(f"HTTP {exc.code}", retry=exc.code in RETRY_STATUSES) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(f"{type(exc).__name__}: {exc}", retry=True) from exc
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {}
    return backend.provider_id(body if isinstance(body, dict) else {})


def _fail(delivery: SmsDelivery, error: str, *, attempts: int) -> None:
    logger.error("SMS delivery %s failed: %s", delivery.pk, error)
    delivery.status = SmsDelivery.Status.FAILED
    delivery.attempts = attempts
    delivery.error = error[:300]
    delivery.save(update_fields=["status", "attempts", "error"])


def gateway_deliver(*, backend, delivery: SmsDelivery, text: str) -> bool:
    """Post one message, retrying what is worth retrying (network errors, 408/429/5xx) up to
    RETRIES times with a growing pause; a 4xx other than those fails at once. True when the
    gateway accepted it."""
    config = gateway_config()
    retries = max(1, int(config["RETRIES"]))
    error = ""
    for attempt in range(1, retries + 1):
        try:
            provider_id = _post(backend=backend, to=delivery.to, text=text, config=config)
        except GatewayError as exc:
            error = str(exc)
            if not exc.retry:
                _fail(delivery, error, attempts=attempt)
                return False
            if attempt < retries:
                time.sleep(BACKOFF_SECONDS * attempt)
            continue
        delivery.attempts = attempt - 1
        backend.mark_sent(delivery, provider_id=provider_id)
        return True
    _fail(delivery, error, attempts=retries)
    return False


def sms_gateway_deliver(*, delivery_id: int, text: str) -> bool:
    """The task's service: deliver a queued SMS once; a row already sent or gone is left
    alone (a task run twice sends nothing twice)."""
    delivery = SmsDelivery.objects.filter(pk=delivery_id, status=SmsDelivery.Status.QUEUED).first()
    if delivery is None:
        return False
    return gateway_deliver(backend=sms_backend(), delivery=delivery, text=text)
