import json

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not configured")


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error: OperationalError"


@pytest.mark.django_db
def test_healthz_reports_redis_down_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["redis"] == "error: ConnectionError"


@pytest.mark.django_db
def test_home_page_is_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert "Cuộc thi trực tuyến tìm hiểu pháp luật" in response.content.decode()
