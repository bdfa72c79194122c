"""Categories at join, through the real view (CSRF enforced): the block decides when exactly one
category lists it and nothing is asked; otherwise the form asks and the choice is checked by
participants.rules.category; a contest without categories asks nothing."""

import datetime

import pytest

from contests.models import Category
from participants.models import Registration
from tests.participants.test_join import URL, citizen, join_data, ward_chain


@pytest.fixture
def categories(contest, tree):
    officials = Category.objects.create(
        contest=contest, name="Cán bộ, công chức, viên chức", order=1
    )
    officials.blocks.set([tree["C-D"]])  # the departments block decides
    pupils = Category.objects.create(contest=contest, name="Học sinh, sinh viên", order=2)
    citizens = Category.objects.create(contest=contest, name="Người dân", order=3)
    return {"officials": officials, "pupils": pupils, "citizens": citizens}


@pytest.fixture
def client_of(form_client):
    def login():
        form_client.force_login(citizen(datetime.date(1987, 5, 17)).user)
        return form_client

    return login


def field_errors(response, field="category"):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.django_db
def test_department_block_decides(categories, tree, client_of):
    client = client_of()
    page = client.get(URL).content.decode()
    # No unit yet and the districts block does not decide: the question is on the page.
    assert 'name="category"' in page
    assert "Người dân" in page
    chain = [tree["C-D"], tree["C-D-1"]]
    response = client.submit(
        URL, join_data(None, chain=chain, category=str(categories["citizens"].pk))
    )
    assert response.status_code == 302
    # The block decided; what was posted is ignored.
    assert Registration.objects.get().category == categories["officials"]


@pytest.mark.django_db
def test_ward_must_choose(categories, tree, client_of):
    client = client_of()
    response = client.submit(URL, join_data(None, chain=ward_chain(tree)))
    assert response.status_code == 200
    assert field_errors(response) == ["Vui lòng chọn đối tượng dự thi."]
    assert not Registration.objects.exists()
    for junk in ("abc", "99999999", "1" * 25, str(categories["pupils"].pk) + "x"):
        response = client.submit(URL, join_data(None, chain=ward_chain(tree), category=junk))
        assert response.status_code == 200, junk
        assert field_errors(response) == ["Đối tượng dự thi đã chọn không hợp lệ."], junk
    assert not Registration.objects.exists()
    response = client.submit(
        URL, join_data(None, chain=ward_chain(tree), category=str(categories["pupils"].pk))
    )
    assert response.status_code == 302
    assert Registration.objects.get().category == categories["pupils"]


@pytest.mark.django_db
def test_another_contests_category_is_refused(categories, tree, client_of):
    from tests.factories import ContestFactory

    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    foreign = Category.objects.create(contest=other, name="Khác")
    client = client_of()
    response = client.submit(URL, join_data(None, chain=ward_chain(tree), category=str(foreign.pk)))
    assert response.status_code == 200
    assert field_errors(response) == ["Đối tượng dự thi đã chọn không hợp lệ."]
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_nothing_asked_when_every_block_decides(categories, tree, client_of):
    categories["citizens"].blocks.set([tree["C-Q"]])
    client = client_of()
    assert 'name="category"' not in client.get(URL).content.decode()
    response = client.submit(URL, join_data(None, chain=ward_chain(tree)))
    assert response.status_code == 302
    assert Registration.objects.get().category == categories["citizens"]


@pytest.mark.django_db
def test_no_categories_no_question(contest, tree, client_of):
    client = client_of()
    assert 'name="category"' not in client.get(URL).content.decode()
    response = client.submit(URL, join_data(None, chain=ward_chain(tree), category="5"))
    assert response.status_code == 302
    assert Registration.objects.get().category is None
