"""What every SMS backend does: deliver one text and record the outcome on its row."""

from __future__ import annotations

from django.utils import timezone


class BaseSmsBackend:
    def send(self, *, delivery, text: str) -> None:
        raise NotImplementedError

    @staticmethod
    def mark_sent(delivery, *, provider_id: str = "") -> None:
        delivery.status = delivery.Status.SENT
        delivery.attempts += 1
        delivery.provider_id = provider_id[:100]
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "provider_id", "sent_at"])
