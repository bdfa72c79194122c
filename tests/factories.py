"""factory_boy factories shared by every app's tests. Units come from the `tree` fixture."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contests.models import BlueprintItem, Contest, Option, Question, Topic
from participants.identity import identity_key, name_key
from participants.models import DocumentType, Gender, Participant, Registration

_phone = itertools.count(1)
_doc = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class ContestFactory(factory.django.DjangoModelFactory):
    """An open contest (opened yesterday, closes in 30 days), published."""

    class Meta:
        model = Contest

    slug = factory.Sequence(lambda n: f"cuoc-thi-{n}")
    title = factory.Sequence(lambda n: f"Cuộc thi tìm hiểu pháp luật {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    status = Contest.Status.PUBLISHED
    min_age = 14
    attempts_allowed = 3
    time_limit_minutes = 20
    shuffle_options = False
    prediction_text = "Có bao nhiêu người trả lời đúng tất cả các câu hỏi?"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Chủ đề {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with `options` options (default 4); option 1 (position 1) is correct unless
    `correct` says otherwise."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    contest = factory.SelfAttribute("topic.contest")
    text = factory.Sequence(lambda n: f"Câu hỏi số {n}?")
    explanation = "Giải thích."
    legal_reference = "Điều 1 Nghị định 59/2022/NĐ-CP"

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if not create:
            return
        count = extracted or 4
        correct = kwargs.get("correct", 1)
        Option.objects.bulk_create(
            Option(question=self, position=i, text=f"Phương án {i}", is_correct=(i == correct))
            for i in range(1, count + 1)
        )


def contest_with_bank(*, owner, root, topics=2, per_topic=10, draw_per_topic=5, **contest_kwargs):
    """A published contest with `topics` topics of `per_topic` questions and a blueprint that
    draws `draw_per_topic` from each."""
    contest = ContestFactory(owner_unit=owner, participation_root=root, **contest_kwargs)
    for t in range(topics):
        topic = TopicFactory(contest=contest, name=f"Chủ đề {t + 1}")
        QuestionFactory.create_batch(per_topic, topic=topic)
        BlueprintItem.objects.create(contest=contest, topic=topic, count=draw_per_topic)
    return contest


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A Vietnamese citizen born 1990-05-17, male, with a CCCD consistent with that."""

    class Meta:
        model = Participant

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    date_of_birth = datetime.date(1990, 5, 17)
    gender = Gender.MALE
    document_type = DocumentType.CCCD
    document_number = factory.LazyFunction(lambda: f"001090{next(_doc):06d}")
    phone = factory.LazyFunction(lambda: f"+8491{next(_phone):07d}")
    # The keys participant_register writes (one account per person, near-duplicates).
    identity_key = factory.LazyAttribute(
        lambda p: identity_key(
            document_type=p.document_type, number=p.document_number, country="VN"
        )
    )
    name_key = factory.LazyAttribute(lambda p: name_key(p.full_name))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    participant = factory.SubFactory(ParticipantFactory)
    document_type = factory.SelfAttribute("participant.document_type")
    document_number = factory.SelfAttribute("participant.document_number")
    age_on_reference = 33
    age_group = "18+"
    consent_participation = True
    consent_publish = True
