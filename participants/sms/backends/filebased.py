"""Appends each SMS as one JSON line to settings.SMS_FILE_PATH: for a browser test or a
second process that must read the code."""

from __future__ import annotations

import json

from django.conf import settings

from participants.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, *, delivery, text: str) -> None:
        line = json.dumps({"to": delivery.to, "text": text, "purpose": delivery.purpose})
        with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as file:
            file.write(line + "\n")
        self.mark_sent(delivery)
