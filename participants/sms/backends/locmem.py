"""Keeps each SMS in memory (participants.sms.outbox), for tests in the same process."""

from __future__ import annotations

from participants import sms
from participants.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, *, delivery, text: str) -> None:
        sms.outbox.append({"to": delivery.to, "text": text, "purpose": delivery.purpose})
        self.mark_sent(delivery)
