"""An HTTP SMS gateway (a Vietnamese brandname SMS provider, or any JSON-over-HTTPS API).

The request returns at once: the row is queued and a Celery task (participants.tasks.
sms_gateway_send) posts it through participants.sms.gateway, so a slow gateway never holds a
web worker and a registered number answers as fast as an unknown one. If the broker is down
the message is posted in the request instead (a code that never arrives is worse than a slow
page).

Settings (from the environment, settings.SMS_GATEWAY): URL, TOKEN (Bearer) or USER and
PASSWORD (Basic), BRANDNAME, TIMEOUT seconds, RETRIES. A provider whose API differs is a
subclass that overrides `payload` and `provider_id` (docs/accounts.md)."""

from __future__ import annotations

import logging

from django.db import transaction

from participants.sms import gateway
from participants.sms.backends.base import BaseSmsBackend

logger = logging.getLogger(__name__)


class SmsBackend(BaseSmsBackend):
    def send(self, *, delivery, text: str) -> None:
        from participants.tasks import sms_gateway_send

        def enqueue():
            try:
                sms_gateway_send.delay(delivery.pk, text)
            except Exception:  # broker down: post now rather than lose the code
                logger.warning("SMS broker unavailable; posting delivery %s inline", delivery.pk)
                gateway.gateway_deliver(backend=self, delivery=delivery, text=text)

        transaction.on_commit(enqueue)

    def payload(self, *, to: str, text: str, config: dict) -> dict:
        """The JSON body: the number without '+', the brandname, the text."""
        return {"to": to.lstrip("+"), "brandname": config["BRANDNAME"], "message": text}

    def provider_id(self, body: dict) -> str:
        """The gateway's id of the message, from its JSON answer."""
        return str(body.get("id") or body.get("message_id") or body.get("MessageId") or "")
