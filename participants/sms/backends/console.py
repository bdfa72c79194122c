"""Prints each SMS to standard output: the embedded demo's default (the code is read there)."""

from __future__ import annotations

import sys

from participants.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, *, delivery, text: str) -> None:
        sys.stdout.write(f"[SMS to {delivery.to}] {text}\n")
        sys.stdout.flush()
        self.mark_sent(delivery)
