"""Celery adapters for participants: one service call each."""

from celery import shared_task

from participants.retention import identities_purge_expired


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=2400)
def identities_purge() -> int:
    """Daily (beat): identity numbers past their contest's retention period are overwritten."""
    return identities_purge_expired()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def sms_gateway_send(delivery_id: int, text: str) -> bool:
    """Post one queued SMS to the gateway (participants.sms.backends.http); quiet if the row
    is gone or already sent (a redelivered task sends nothing twice)."""
    from participants.sms.gateway import sms_gateway_deliver

    return sms_gateway_deliver(delivery_id=delivery_id, text=text)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=2400)
def accounts_anonymise() -> int:
    """Daily (beat): closed accounts whose retention date has come are anonymised, and
    expired one-time codes deleted."""
    from participants.accounts.services import accounts_anonymise_due, one_time_codes_purge

    one_time_codes_purge()
    return accounts_anonymise_due()
