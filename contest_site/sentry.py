"""The optional error reporter: Sentry, or any server that speaks its protocol (GlitchTip runs on
the office's own servers), switched on by SENTRY_DSN. Called from the production settings only
when the variable is set, so without it sentry-sdk is never imported.

No personal data leaves: send_default_pii off (no user name, e-mail or address, no cookies),
no local variables of the failing frames (they hold forms and answers), and every event through
`participants.scrub.error_event_scrub` (numbers masked with the project's rule)."""

from __future__ import annotations

from collections.abc import Callable


def sentry_init(
    *,
    dsn: str,
    environment: str,
    release: str,
    traces_sample_rate: float,
    before_send: Callable[[dict, dict], dict | None],
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: before_send(crumb, hint),
    )
