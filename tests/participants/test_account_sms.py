"""SMS backends: console prints, file appends a line, locmem keeps; the HTTP gateway posts
JSON with its credentials, retries what is worth retrying and logs each delivery (a real
local HTTP server stands in for the provider)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from participants import sms
from participants.models import SmsDelivery
from participants.sms import gateway
from participants.sms.gateway import sms_gateway_deliver

pytestmark = pytest.mark.django_db
HTTP = "participants.sms.backends.http.SmsBackend"


class Provider:
    """A local gateway answering with the given statuses in turn (then 200)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                provider.requests.append(
                    {
                        "body": json.loads(self.rfile.read(length)),
                        "auth": self.headers["Authorization"],
                    }
                )
                status = provider.statuses.pop(0) if provider.statuses else 200
                body = json.dumps({"id": "msg-42"} if status == 200 else {"error": "x"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(gateway, "BACKOFF_SECONDS", 0.01)


def gateway_settings(url, **extra):
    return override_settings(
        SMS_BACKEND=HTTP,
        SMS_GATEWAY={"URL": url, "TOKEN": "t0ken", "BRANDNAME": "STP-HANOI", "RETRIES": 3, **extra},
    )


def queued(to="+84912345678"):
    return SmsDelivery.objects.create(to=to, purpose="reset", backend="http")


def test_gateway_posts_json_with_credentials(fast_retries):
    provider = Provider([])
    try:
        with gateway_settings(provider.url):
            delivery = queued()
            assert sms_gateway_deliver(delivery_id=delivery.pk, text="Ma 123456") is True
    finally:
        provider.close()
    assert provider.requests == [
        {
            "body": {"to": "84912345678", "brandname": "STP-HANOI", "message": "Ma 123456"},
            "auth": "Bearer t0ken",
        }
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_id) == ("sent", 1, "msg-42")
    # A task delivered twice sends nothing twice.
    with gateway_settings(provider.url):
        assert sms_gateway_deliver(delivery_id=delivery.pk, text="Ma 123456") is False


def test_gateway_retries_busy_answers_then_succeeds(fast_retries):
    provider = Provider([503, 429])
    try:
        with gateway_settings(provider.url):
            delivery = queued()
            assert sms_gateway_deliver(delivery_id=delivery.pk, text="x") is True
    finally:
        provider.close()
    assert len(provider.requests) == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)


def test_gateway_refusal_is_not_retried(fast_retries):
    provider = Provider([400])
    try:
        with gateway_settings(provider.url, TOKEN="", USER="u", PASSWORD="p"):
            delivery = queued()
            assert sms_gateway_deliver(delivery_id=delivery.pk, text="x") is False
    finally:
        provider.close()
    assert len(provider.requests) == 1 and provider.requests[0]["auth"] == "Basic dTpw"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, "HTTP 400")


def test_gateway_unreachable_fails_after_the_retries(fast_retries):
    with gateway_settings("http://127.0.0.1:9/send", TIMEOUT=1):
        delivery = queued()
        assert sms_gateway_deliver(delivery_id=delivery.pk, text="x") is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.error.startswith("URLError")


def test_http_backend_queues_after_commit_and_posts_inline_when_the_broker_is_down(
    fast_retries, monkeypatch, django_capture_on_commit_callbacks
):
    from participants import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.sms_gateway_send, "delay", broker_down)
    provider = Provider([])
    try:
        with (
            gateway_settings(provider.url),
            django_capture_on_commit_callbacks(execute=False) as callbacks,
        ):
            delivery = sms.sms_send(to="+84912345678", text="Ma 654321", purpose="reset")
            assert delivery.status == "queued" and provider.requests == []
        with gateway_settings(provider.url):
            for callback in callbacks:
                callback()
    finally:
        provider.close()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and provider.requests[0]["body"]["message"] == "Ma 654321"


def test_console_file_and_locmem_backends(tmp_path, capsys):
    with override_settings(SMS_BACKEND="participants.sms.backends.console.SmsBackend"):
        sms.sms_send(to="+84912345678", text="Ma 111111", purpose="reset")
    assert "[SMS to +84912345678] Ma 111111" in capsys.readouterr().out
    outbox = tmp_path / "sms.jsonl"
    with override_settings(
        SMS_BACKEND="participants.sms.backends.filebased.SmsBackend", SMS_FILE_PATH=str(outbox)
    ):
        sms.sms_send(to="+84912345678", text="Ma 222222", purpose="reset")
    assert json.loads(outbox.read_text())["text"] == "Ma 222222"
    sms.outbox.clear()
    sms.sms_send(to="+84912345678", text="Ma 333333", purpose="reset")
    assert sms.outbox == [{"to": "+84912345678", "text": "Ma 333333", "purpose": "reset"}]
    assert list(SmsDelivery.objects.values_list("status", flat=True)) == ["sent"] * 3
