"""The error summary of a refused form (issue 22), through the real views: at the top of the
form, announced (role=alert) and focusable (tabindex=-1, autofocus), one link per field error
pointing at the field's id (a group of radios: its first radio; a unit picker: its first
level), the form's own errors as plain items; nothing when the form is not refused."""

import re

import pytest

from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

REGISTER = "/thi-sinh/dang-ky/"
LOGIN = "/thi-sinh/dang-nhap/"
JOIN = "/thi-sinh/tham-gia/thi-tim-hieu/"


def summary(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert found, "no error summary"
    return found.group(0)


def links(block: str) -> list[str]:
    return re.findall(r'<a href="#([\w-]+)">', block)


def test_register_refused_lists_each_field_with_a_link(form_client, tree):
    assert 'id="error-summary"' not in form_client.get(REGISTER).content.decode()
    response = form_client.submit(REGISTER, {})
    block = summary(response)
    assert 'role="alert"' in block and 'tabindex="-1"' in block and "autofocus" in block
    assert "Chưa gửi được: vui lòng sửa các mục sau" in block
    assert links(block)[:3] == ["id_full_name", "id_date_of_birth", "id_gender_0"]
    assert "Họ và tên: Vui lòng nhập họ và tên." in block
    # The summary comes before the first field.
    html = response.content.decode()
    assert html.index('id="error-summary"') < html.index('id="id_full_name"')
    assert "/static/js/error_summary.js" in html


def test_join_without_a_unit_links_to_the_first_level(form_client, contest, tree):
    form_client.force_login(ParticipantFactory().user)
    response = form_client.submit(JOIN, {"don_vi_0": "", "consent_participation": "on"})
    block = summary(response)
    assert links(block) == ["don_vi_0"]
    assert "Đơn vị dự thi: Vui lòng chọn đơn vị dự thi." in block
    assert 'id="don_vi_0"' in response.content.decode()


def test_login_refused_says_why_at_the_top(form_client):
    person = ParticipantFactory()
    response = form_client.submit(LOGIN, {"username": person.user.username, "password": "sai"})
    block = summary(response)
    assert "mật khẩu không đúng" in block
    assert links(block) == []  # the form's own error: no single field to point at
    # Said once: crispy's own alert is gone.
    assert response.content.decode().count("mật khẩu không đúng") == 1


def test_a_step_of_the_unit_picker_is_not_an_error(form_client, contest, tree):
    form_client.force_login(ParticipantFactory().user)
    response = form_client.submit(JOIN, {"don_vi_0": str(tree["C-Q"].pk), "_cascade": "don_vi"})
    html = response.content.decode()
    assert 'id="error-summary"' not in html
    assert '<label class="form-label unit-level-label mb-1" for="don_vi_1">' in html
    assert "Cấp 2: đơn vị trực thuộc Khối quận, huyện" in html
