"""Practice ("Thi thử") in the demo: the Hà Nội demo contest opens practice before and during the
contest, with fifteen practice-only questions on road traffic, the Civil Code and drug
prevention (each with its explanation and legal reference), and the demo citizen has one
finished practice test. The review of missed questions ("Ôn lại câu sai") needs a finished
contest whose policy shows answers: the provisional contest of `demo_results` (answers with
explanations after it closed), where the demo citizen missed one question.

Idempotent: questions already in the bank and a practice test already taken are left alone."""

from __future__ import annotations

from contests.models import Contest, Question, Topic
from contests.services.questions import OptionData, question_create
from devdata.services.demo import DEMO_SLUG
from devdata.services.demo_citizen import DEMO_CITIZEN
from devdata.services.demo_results import PROVISIONAL_SLUG
from learning.models import PracticeAttempt
from learning.services.practice import practice_start, practice_submit
from participants.models import Participant
from scoring.services.grading import answer_key_load

# A topic the demo bank already has: a topic of its own would get a blueprint line when the
# demo contest is seeded again, and the real test cannot draw from a practice-only topic.
TOPIC = "Các cuộc thi tìm hiểu pháp luật khác"
GTDB = "Luật Giao thông đường bộ năm 2008"
BLDS = "Bộ luật Dân sự năm 2015"
PCMT = "Luật Phòng, chống ma túy năm 2021"

# (question, options, index of the correct option, explanation, legal reference)
PRACTICE_QUESTIONS = [
    (
        "Người đủ bao nhiêu tuổi trở lên thì được lái xe mô tô hai bánh có dung tích xi-lanh "
        "từ 50 cm3 trở lên?",
        ["Đủ 16 tuổi", "Đủ 17 tuổi", "Đủ 18 tuổi", "Đủ 21 tuổi"],
        2,
        "Người đủ 18 tuổi trở lên được lái xe mô tô hai bánh, xe mô tô ba bánh có dung tích "
        "xi-lanh từ 50 cm3 trở lên.",
        f"Điểm b khoản 1 Điều 60 {GTDB}",
    ),
    (
        "Người đủ bao nhiêu tuổi trở lên thì được lái xe gắn máy có dung tích xi-lanh dưới 50 cm3?",
        ["Đủ 14 tuổi", "Đủ 16 tuổi", "Đủ 18 tuổi", "Không giới hạn độ tuổi"],
        1,
        "Người đủ 16 tuổi trở lên được lái xe gắn máy có dung tích xi-lanh dưới 50 cm3.",
        f"Điểm a khoản 1 Điều 60 {GTDB}",
    ),
    (
        "Người điều khiển xe mô tô hai bánh, xe gắn máy được chở tối đa hai người trong "
        "trường hợp nào sau đây?",
        [
            "Chở hai người bạn đi học cùng đường",
            "Chở người bệnh đi cấp cứu",
            "Chở hai người đã thành niên đi làm",
            "Chở hàng hóa cồng kềnh kèm một người",
        ],
        1,
        "Xe mô tô hai bánh, xe gắn máy chỉ được chở một người; được chở tối đa hai người khi "
        "chở người bệnh đi cấp cứu, áp giải người có hành vi vi phạm pháp luật, hoặc chở trẻ "
        "em dưới 14 tuổi.",
        f"Khoản 1 Điều 30 {GTDB}",
    ),
    (
        "Người điều khiển và người ngồi trên xe mô tô, xe gắn máy phải đội mũ bảo hiểm như "
        "thế nào?",
        [
            "Chỉ người điều khiển phải đội",
            "Chỉ phải đội khi đi trên quốc lộ",
            "Cả người điều khiển và người ngồi trên xe phải đội mũ bảo hiểm có cài quai đúng "
            "quy cách",
            "Chỉ phải đội vào ban đêm",
        ],
        2,
        "Người điều khiển, người ngồi trên xe mô tô hai bánh, xe mô tô ba bánh, xe gắn máy "
        "phải đội mũ bảo hiểm có cài quai đúng quy cách.",
        f"Khoản 2 Điều 30 {GTDB}",
    ),
    (
        "Khi đèn tín hiệu giao thông chuyển sang màu vàng (không nhấp nháy), người điều khiển "
        "phương tiện phải làm gì?",
        [
            "Tăng tốc để đi qua trước khi đèn chuyển đỏ",
            "Dừng lại trước vạch dừng, trừ trường hợp đã đi quá vạch dừng thì được đi tiếp",
            "Được đi tiếp bình thường",
            "Bấm còi để báo cho người đi bộ",
        ],
        1,
        "Tín hiệu vàng là phải dừng lại trước vạch dừng, trừ trường hợp đã đi quá vạch dừng "
        "thì được đi tiếp; tín hiệu vàng nhấp nháy là được đi nhưng phải giảm tốc độ, chú ý "
        "quan sát, nhường đường cho người đi bộ qua đường.",
        f"Khoản 3 Điều 10 {GTDB}",
    ),
    (
        "Trên đường không có hè phố, lề đường, người đi bộ phải đi như thế nào?",
        [
            "Đi ở giữa lòng đường",
            "Đi sát mép đường",
            "Đi ở bất kỳ phần nào của đường",
            "Đi theo hàng ba để dễ quan sát",
        ],
        1,
        "Người đi bộ phải đi trên hè phố, lề đường; trường hợp đường không có hè phố, lề "
        "đường thì người đi bộ phải đi sát mép đường.",
        f"Khoản 1 Điều 32 {GTDB}",
    ),
    (
        "Người điều khiển xe mô tô, xe gắn máy có được phép có nồng độ cồn trong máu hoặc hơi "
        "thở hay không?",
        [
            "Được, nếu dưới 50 miligam/100 mililít máu",
            "Được, nếu chỉ uống bia",
            "Không được có nồng độ cồn trong máu hoặc hơi thở",
            "Được, nếu đi quãng đường ngắn",
        ],
        2,
        "Điều khiển phương tiện giao thông mà trong máu hoặc hơi thở có nồng độ cồn là hành vi "
        "bị nghiêm cấm, không phân biệt mức nồng độ.",
        "Khoản 6 Điều 5 Luật Phòng, chống tác hại của rượu, bia năm 2019",
    ),
    (
        "Theo Bộ luật Dân sự năm 2015, người thành niên là người từ đủ bao nhiêu tuổi trở lên?",
        ["Đủ 15 tuổi", "Đủ 16 tuổi", "Đủ 18 tuổi", "Đủ 21 tuổi"],
        2,
        "Người thành niên là người từ đủ mười tám tuổi trở lên; người thành niên có năng lực "
        "hành vi dân sự đầy đủ, trừ một số trường hợp luật định.",
        f"Khoản 1 Điều 20 {BLDS}",
    ),
    (
        "Thời điểm mở thừa kế là khi nào?",
        [
            "Thời điểm người có tài sản lập di chúc",
            "Thời điểm người có tài sản chết",
            "Thời điểm những người thừa kế họp gia đình",
            "Thời điểm công chứng văn bản phân chia di sản",
        ],
        1,
        "Thời điểm mở thừa kế là thời điểm người có tài sản chết; trường hợp Tòa án tuyên bố "
        "một người là đã chết thì là ngày được xác định theo quyết định của Tòa án.",
        f"Khoản 1 Điều 611 {BLDS}",
    ),
    (
        "Thời hiệu để người thừa kế yêu cầu chia di sản là bất động sản là bao lâu?",
        [
            "10 năm kể từ thời điểm mở thừa kế",
            "20 năm kể từ thời điểm mở thừa kế",
            "30 năm kể từ thời điểm mở thừa kế",
            "Không có thời hiệu",
        ],
        2,
        "Thời hiệu để người thừa kế yêu cầu chia di sản là 30 năm đối với bất động sản, 10 năm "
        "đối với động sản, kể từ thời điểm mở thừa kế.",
        f"Khoản 1 Điều 623 {BLDS}",
    ),
    (
        "Người nào sau đây KHÔNG thuộc hàng thừa kế thứ nhất theo pháp luật?",
        [
            "Vợ, chồng của người chết",
            "Con nuôi của người chết",
            "Anh, chị, em ruột của người chết",
            "Mẹ đẻ của người chết",
        ],
        2,
        "Hàng thừa kế thứ nhất gồm: vợ, chồng, cha đẻ, mẹ đẻ, cha nuôi, mẹ nuôi, con đẻ, con "
        "nuôi của người chết. Anh, chị, em ruột thuộc hàng thừa kế thứ hai.",
        f"Điểm a khoản 1 Điều 651 {BLDS}",
    ),
    (
        "Người từ đủ 15 tuổi đến chưa đủ 18 tuổi có được lập di chúc không?",
        [
            "Không được lập di chúc",
            "Được, nếu được cha, mẹ hoặc người giám hộ đồng ý về việc lập di chúc",
            "Được lập di chúc mà không cần ai đồng ý",
            "Chỉ được lập di chúc miệng",
        ],
        1,
        "Người từ đủ mười lăm tuổi đến chưa đủ mười tám tuổi được lập di chúc nếu được cha, "
        "mẹ hoặc người giám hộ đồng ý về việc lập di chúc.",
        f"Khoản 2 Điều 625 {BLDS}",
    ),
    (
        "Người chưa đủ 15 tuổi gây thiệt hại mà còn cha, mẹ thì ai phải bồi thường?",
        [
            "Người gây thiệt hại tự bồi thường toàn bộ",
            "Nhà trường nơi người đó học",
            "Cha, mẹ phải bồi thường toàn bộ thiệt hại",
            "Không ai phải bồi thường",
        ],
        2,
        "Người chưa đủ mười lăm tuổi gây thiệt hại mà còn cha, mẹ thì cha, mẹ phải bồi thường "
        "toàn bộ thiệt hại; nếu tài sản của cha, mẹ không đủ mà con có tài sản riêng thì lấy "
        "tài sản đó để bồi thường phần còn thiếu.",
        f"Khoản 2 Điều 586 {BLDS}",
    ),
    (
        "Hành vi nào sau đây bị nghiêm cấm theo Luật Phòng, chống ma túy?",
        [
            "Tố giác hành vi mua bán trái phép chất ma túy",
            "Trồng cây có chứa chất ma túy",
            "Tự nguyện khai báo tình trạng nghiện ma túy",
            "Tham gia tuyên truyền phòng, chống ma túy",
        ],
        1,
        "Trồng cây có chứa chất ma túy, hướng dẫn trồng cây có chứa chất ma túy là hành vi bị "
        "nghiêm cấm; tố giác tội phạm và tự nguyện khai báo là quyền, trách nhiệm được khuyến "
        "khích.",
        f"Điều 5 {PCMT}",
    ),
    (
        "Ngày nào hằng năm là Ngày toàn dân phòng, chống ma túy?",
        ["Ngày 26 tháng 6", "Ngày 9 tháng 11", "Ngày 1 tháng 12", "Ngày 15 tháng 5"],
        0,
        "Tháng 6 hằng năm là Tháng hành động phòng, chống ma túy; ngày 26 tháng 6 hằng năm là "
        "Ngày quốc tế phòng, chống ma túy và Ngày toàn dân phòng, chống ma túy.",
        f"Điều 9 {PCMT}",
    ),
]

PRACTICE_COUNT = 10


def _questions(contest: Contest) -> int:
    topic, _created = Topic.objects.get_or_create(contest=contest, name=TOPIC)
    have = set(Question.objects.filter(contest=contest).values_list("text", flat=True))
    added = 0
    for text, options, correct, explanation, reference in PRACTICE_QUESTIONS:
        if text in have:
            continue
        question_create(
            contest=contest,
            topic=topic,
            text=text,
            options=[OptionData(o, i == correct) for i, o in enumerate(options)],
            explanation=explanation,
            legal_reference=reference,
            difficulty=Question.Difficulty.EASY,
            pool=Question.Pool.PRACTICE,
        )
        added += 1
    return added


def _citizen_practice(contest: Contest, participant: Participant) -> PracticeAttempt | None:
    """One finished practice test: seven answers right, the rest wrong."""
    done = PracticeAttempt.objects.filter(
        participant=participant, contest=contest, kind="practice", status="submitted"
    ).first()
    if done is not None:
        return done
    attempt = practice_start(participant=participant, contest=contest)
    key = answer_key_load(question_ids=[item["q"] for item in attempt.items])
    answers = {}
    for n, item in enumerate(attempt.items):
        right = key.get(item["q"], frozenset())
        answers[str(item["q"])] = next(o for o in item["o"] if (o in right) == (n < 7))
    attempt, _created = practice_submit(attempt=attempt, answers=answers)
    return attempt


def seed_practice_demo() -> list[str]:
    """Practice on for the demo contest, its practice questions, and the demo citizen's one
    practice test. Returns lines to print."""
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None:
        return []
    Contest.objects.filter(pk=contest.pk).update(
        practice_mode=Contest.PracticeMode.BEFORE_AND_DURING,
        practice_question_count=PRACTICE_COUNT,
    )
    contest.refresh_from_db()
    added = _questions(contest)
    lines = [
        f"  thi thử: /cuoc-thi/{DEMO_SLUG}/thi-thu/ — {len(PRACTICE_QUESTIONS)} câu hỏi thi thử"
        f" ({added} câu mới), {PRACTICE_COUNT} câu mỗi lần"
    ]
    participant = Participant.objects.filter(
        document_type=DEMO_CITIZEN["document_type"],
        document_number=DEMO_CITIZEN["document_number"],
    ).first()
    if participant is not None:
        attempt = _citizen_practice(contest, participant)
        lines.append(
            f"  thí sinh mẫu đã thi thử 1 lần: {attempt.correct_count}/{attempt.question_count}"
            " câu đúng"
        )
        if Contest.objects.filter(slug=PROVISIONAL_SLUG).exists():
            lines.append(f"  ôn lại câu sai: /cuoc-thi/{PROVISIONAL_SLUG}/on-lai-cau-sai/")
    return lines
