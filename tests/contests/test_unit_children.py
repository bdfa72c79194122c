"""treebeard's JSON listing of a unit's children (the admin's tree): an unknown filter in the
query string is a 400 with a Vietnamese message, not a 500 (found by the URL fuzz)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_filter_is_a_clear_400(tree, organisers, client, method):
    client.force_login(organisers["city"])
    url = f"/quan-tri/contests/unit/children/{tree['C'].pk}/"
    assert client.get(url).status_code == 200
    response = getattr(client, method)(url + "?khong_co=-726")
    assert response.status_code == 400
    assert response.json() == {"error": "Bộ lọc danh sách không hợp lệ."}
