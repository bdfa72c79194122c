"""A question used in an attempt is never changed in place: editing makes a new version."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contests.models import Contest, ContestChange, Option, Question
from contests.services.questions import OptionData, question_update
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory, QuestionFactory, TopicFactory


@pytest.fixture
def question(tree):
    contest = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    topic = TopicFactory(contest=contest, name="Định danh điện tử")
    return QuestionFactory(topic=topic, text="Nghị định 59/2022/NĐ-CP ban hành ngày nào?")


def _options(correct=1, texts=("05/9/2022", "24/3/2023", "01/9/2023")):
    return [OptionData(t, i == correct) for i, t in enumerate(texts, start=1)]


def _edit(question, **changes):
    fields = {
        "topic": question.topic,
        "text": question.text,
        "options": _options(),
        "explanation": question.explanation,
        "legal_reference": question.legal_reference,
        "difficulty": question.difficulty,
        "is_active": True,
    }
    fields.update(changes)
    return question_update(question=question, **fields)


def test_unused_question_is_edited_in_place(question):
    result = _edit(question, text="Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?")
    assert result.pk == question.pk
    assert result.version == 1
    assert Question.objects.count() == 1
    assert list(result.options.values_list("position", "text", "is_correct")) == [
        (1, "05/9/2022", True),
        (2, "24/3/2023", False),
        (3, "01/9/2023", False),
    ]


def test_used_question_gets_a_new_version(question):
    Question.objects.filter(pk=question.pk).update(used=True)
    question.refresh_from_db()
    seen = list(question.options.values_list("id", "text", "is_correct"))
    result = _edit(question, text="Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?")
    assert result.pk != question.pk
    assert (result.version, result.replaces_id, result.is_active, result.used) == (
        2,
        question.pk,
        True,
        False,
    )
    old = Question.objects.get(pk=question.pk)
    assert old.text == "Nghị định 59/2022/NĐ-CP ban hành ngày nào?"
    assert old.is_active is False
    assert list(old.options.values_list("id", "text", "is_correct")) == seen  # untouched
    assert Option.objects.filter(question=result).count() == 3


def test_a_replaced_version_cannot_be_edited(question):
    Question.objects.filter(pk=question.pk).update(used=True)
    question.refresh_from_db()
    _edit(question, text="Phiên bản 2?")
    with pytest.raises(ValidationError) as error:
        _edit(question, text="Phiên bản 3?")
    assert error.value.messages == ["Câu hỏi này đã có phiên bản mới; hãy sửa phiên bản mới nhất."]


def test_retiring_a_used_question_does_not_version_it(question):
    Question.objects.filter(pk=question.pk).update(used=True)
    question.refresh_from_db()
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(question=question, position=i, text=o.text, is_correct=o.is_correct)
        for i, o in enumerate(_options(), start=1)
    )
    result = _edit(question, is_active=False)
    assert result.pk == question.pk
    assert Question.objects.count() == 1
    assert Question.objects.get(pk=question.pk).is_active is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([OptionData("Một", True)], "Câu hỏi cần ít nhất 2 phương án."),
        ([OptionData(str(i), i == 1) for i in range(7)], "Câu hỏi có tối đa 6 phương án."),
        ([OptionData("A"), OptionData("B")], "Hãy đánh dấu một phương án đúng."),
        (
            [OptionData("A", True), OptionData("B", True)],
            "Chỉ được đánh dấu một phương án đúng.",
        ),
    ],
)
def test_bad_options_are_refused(question, options, message):
    with pytest.raises(ValidationError) as error:
        _edit(question, options=options)
    assert error.value.messages == [message]
    assert question.options.count() == 4  # nothing written


def test_key_change_after_publishing_is_audited(question, organisers):
    assert question.contest.status == Contest.Status.PUBLISHED
    question_update(
        question=question,
        topic=question.topic,
        text=question.text,
        options=_options(correct=2),
        difficulty=question.difficulty,
        user=organisers["a"],
    )
    change = ContestChange.objects.get(contest=question.contest)
    assert change.what == "answer_key"
    assert change.before["correct"] == [1]
    assert change.after["correct"] == [2]
    assert change.user == organisers["a"]


def test_admin_edit_of_a_used_question_makes_a_new_version(question, organisers, client):
    Question.objects.filter(pk=question.pk).update(used=True)
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_change", args=[question.pk])
    page = client.get(url)
    assert "Câu hỏi này đã được dùng trong bài thi." in page.content.decode()
    data = form_fields(page, "question_form")
    data["text"] = "Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?"
    data["options-0-text"] = "Ngày 05/9/2022"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    new = Question.objects.get(replaces=question)
    assert response.redirect_chain[-1][0] == reverse("admin:contests_question_changelist")
    assert (new.version, new.text, new.is_active) == (
        2,
        "Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?",
        True,
    )
    assert list(new.options.values_list("text", flat=True))[0] == "Ngày 05/9/2022"
    old = Question.objects.get(pk=question.pk)
    assert (old.text, old.is_active) == ("Nghị định 59/2022/NĐ-CP ban hành ngày nào?", False)
    assert list(old.options.values_list("text", flat=True))[0] == "Phương án 1"
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == (
        "Câu hỏi đã được dùng trong bài thi nên không sửa trực tiếp: đã tạo phiên bản 2 và "
        "ngừng dùng phiên bản cũ."
    )
    # The old version is read only now.
    old_page = client.get(url)
    assert old_page.status_code == 200
    assert 'name="text"' not in old_page.content.decode()


def test_admin_refuses_two_correct_options(question, organisers, client):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_change", args=[question.pk])
    data = form_fields(client.get(url), "question_form")
    data["options-1-is_correct"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chỉ được đánh dấu một phương án đúng." in response.content.decode()
    assert question.options.filter(is_correct=True).count() == 1


def test_admin_add_question(question, organisers, client):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_add")
    data = form_fields(client.get(url), "question_form")
    data.update(
        {
            "contest": question.contest_id,
            "topic": question.topic_id,
            "text": "Cuộc thi hưởng ứng ngày nào?",
            "difficulty": "1",
            "options-0-text": "Ngày Pháp luật 9/11",
            "options-0-is_correct": "on",
            "options-1-text": "Ngày 2/9",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    added = Question.objects.get(text="Cuộc thi hưởng ứng ngày nào?")
    assert list(added.options.values_list("position", "text", "is_correct")) == [
        (1, "Ngày Pháp luật 9/11", True),
        (2, "Ngày 2/9", False),
    ]
