"""The demo: a city shaped like the seeds' Hà Nội (two blocks, departments, two districts with
their wards) and the accounts to look at it. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contests.models import (
    BlueprintItem,
    Contest,
    ExcludedPerson,
    Milestone,
    Organiser,
    PrizeStructure,
    PrizeTier,
    Topic,
    Unit,
)
from contests.services.contests import blueprint_problems, contest_publish, rich_text_clean
from contests.services.question_import import question_text_key
from contests.services.questions import OptionData, question_create
from contests.services.units import roles_ensure, unit_add

DEMO_PASSWORD = "demo-2023-hanoi"  # noqa: S105  (printed on purpose: it is the demo's login)

K = Unit.Kind
CITY = ("HN", "Thành phố Hà Nội", K.PROVINCE, 8_500_000)
BLOCKS = [
    (
        "HN-SBN",
        "Khối Sở, ban, ngành",
        K.BLOCK,
        None,
        [
            ("HN-SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, 9_500, []),
            ("HN-CATP", "Công an Thành phố", K.DEPARTMENT, 4_500, []),
            ("HN-SYT", "Sở Y tế", K.DEPARTMENT, 4_200, []),
        ],
    ),
    (
        "HN-QH",
        "Khối quận, huyện, thị xã",
        K.BLOCK,
        None,
        [
            (
                "HN-TX",
                "Quận Thanh Xuân",
                K.DISTRICT,
                290_000,
                [
                    ("HN-TX-NC", "Phường Nhân Chính", K.WARD, 40_000, []),
                    ("HN-TX-TXT", "Phường Thanh Xuân Trung", K.WARD, 38_000, []),
                    ("HN-TX-KT", "Phường Khương Trung", K.WARD, 35_000, []),
                ],
            ),
            (
                "HN-CG",
                "Quận Cầu Giấy",
                K.DISTRICT,
                295_000,
                [
                    ("HN-CG-DV", "Phường Dịch Vọng", K.WARD, 30_000, []),
                    ("HN-CG-QH", "Phường Quan Hoa", K.WARD, 33_000, []),
                ],
            ),
        ],
    ),
]

ACCOUNTS = [
    # username, unit code, superuser
    ("admin", None, True),
    ("sotuphap", "HN", False),
    ("thanhxuan", "HN-TX", False),
    ("caugiay", "HN-CG", False),
]


def _add_tree(nodes, parent):
    for code, name, kind, headcount, children in nodes:
        unit = unit_add(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
        _add_tree(children, unit)


@transaction.atomic
def seed_units_and_accounts() -> list[tuple[str, str, str]]:
    """Returns (username, password, what it is) for each demo login."""
    roles = roles_ensure()
    code, name, kind, headcount = CITY
    city = unit_add(code=code, name=name, kind=kind, headcount=headcount)
    _add_tree(BLOCKS, city)

    user_model = get_user_model()
    logins = []
    for username, unit_code, superuser in ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        if unit_code:
            unit = Unit.objects.get(code=unit_code)
            Organiser.objects.update_or_create(user=user, defaults={"unit": unit})
            user.groups.add(roles["organiser"])
            logins.append((username, DEMO_PASSWORD, f"cán bộ tổ chức — {unit.name}"))
        else:
            logins.append((username, DEMO_PASSWORD, "quản trị hệ thống"))
    return logins


# --- The demo contest -------------------------------------------------------------------------
# Modelled on the Hà Nội 2023 contest "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công
# trực tuyến" (seeds 000 and 001). Every question's answer is a fact stated in the seed
# documents (shared/seeds/000–004): who may enter, age limits, prizes, dates, the decree the
# contest is about, reported figures. No legal content is made up.

DEMO_SLUG = "tim-hieu-dinh-danh-dien-tu"
DEMO_TITLE = "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công trực tuyến"

SRC_TX = "Kế hoạch tổ chức Cuộc thi trên địa bàn quận Thanh Xuân (năm 2023)"
SRC_HN = "Báo cáo tổng kết Cuộc thi trên địa bàn TP Hà Nội (Kinh tế & Đô thị)"
SRC_BG = "Kinh nghiệm sau Cuộc thi tìm hiểu pháp luật về thi hành án dân sự, Bắc Giang (24/10/2023)"
SRC_2019 = "Kế hoạch tổ chức cuộc thi “Tìm hiểu Dịch vụ công trực tuyến”, TP Hà Nội (2019)"
SRC_TTH = "Thừa Thiên Huế: tăng cường ứng dụng CNTT trong phổ biến, giáo dục pháp luật (03/07/2021)"
SRC_RULES = "Thể lệ của cuộc thi này"
ND59 = "Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ"

T_ELIGIBILITY = "Đối tượng và hình thức dự thi"
T_CONTENT = "Định danh điện tử, Đề án 06 và mục đích cuộc thi"
T_PRIZES = "Giải thưởng và kinh phí"
T_RESULTS = "Kết quả cuộc thi trên địa bàn Thành phố"
T_OTHERS = "Các cuộc thi tìm hiểu pháp luật khác"
DEMO_TOPICS = [T_ELIGIBILITY, T_CONTENT, T_PRIZES, T_RESULTS, T_OTHERS]

E, M, H = 1, 2, 3  # difficulty

# (topic, question, options, index of the correct option, explanation, source, difficulty)
DEMO_QUESTIONS = [
    # --- Đối tượng và hình thức dự thi (seed 001, and this contest's rules) ---
    (
        T_ELIGIBILITY,
        "Theo Kế hoạch tổ chức Cuộc thi trên địa bàn quận Thanh Xuân, người dự thi phải từ đủ "
        "bao nhiêu tuổi trở lên?",
        ["Từ đủ 12 tuổi", "Từ đủ 14 tuổi", "Từ đủ 16 tuổi", "Từ đủ 18 tuổi"],
        1,
        "Đối tượng dự thi là công dân Việt Nam và người nước ngoài nhập cảnh vào Việt Nam từ đủ "
        "14 tuổi trở lên.",
        SRC_TX + ", mục II.1",
        E,
    ),
    (
        T_ELIGIBILITY,
        "Đối tượng dự thi của Cuộc thi gồm những ai?",
        [
            "Công dân Việt Nam và người nước ngoài nhập cảnh vào Việt Nam từ đủ 14 tuổi trở lên, "
            "hiện đang sinh sống và làm việc trên địa bàn thành phố Hà Nội",
            "Chỉ cán bộ, công chức, viên chức đang công tác tại Hà Nội",
            "Chỉ công dân Việt Nam từ đủ 18 tuổi trở lên",
            "Chỉ học sinh, sinh viên các trường trên địa bàn Hà Nội",
        ],
        0,
        "Kế hoạch nêu rõ đối tượng gồm cả công dân Việt Nam và người nước ngoài nhập cảnh vào "
        "Việt Nam, từ đủ 14 tuổi, đang sinh sống và làm việc tại Hà Nội.",
        SRC_TX + ", mục II.1",
        E,
    ),
    (
        T_ELIGIBILITY,
        "Những người nào KHÔNG được tham gia dự thi?",
        [
            "Học sinh từ đủ 14 tuổi của các trường THCS",
            "Người nước ngoài đang sinh sống và làm việc tại Hà Nội",
            "Thành viên Ban Tổ chức, Ban Giám khảo, Tổ giúp việc và những bộ phận cán bộ trực "
            "tiếp tham gia vào quá trình tổ chức Cuộc thi",
            "Cán bộ, công chức của các phòng, ban thuộc quận",
        ],
        2,
        "Kế hoạch loại trừ thành viên Ban Tổ chức, Ban Giám khảo, Tổ giúp việc và những bộ phận "
        "cán bộ trực tiếp tham gia vào quá trình tổ chức Cuộc thi.",
        SRC_TX + ", mục II.1",
        E,
    ),
    (
        T_ELIGIBILITY,
        "Người nước ngoài có được tham gia Cuộc thi không?",
        [
            "Không, Cuộc thi chỉ dành cho công dân Việt Nam",
            "Có, nếu nhập cảnh vào Việt Nam, từ đủ 14 tuổi trở lên và đang sinh sống, làm việc "
            "trên địa bàn thành phố Hà Nội",
            "Có, nhưng chỉ khi có quốc tịch Việt Nam",
            "Có, nhưng chỉ được dự thi ngoài giờ hành chính",
        ],
        1,
        "Đối tượng dự thi gồm cả người nước ngoài nhập cảnh vào Việt Nam từ đủ 14 tuổi trở lên, "
        "đang sinh sống và làm việc tại Hà Nội.",
        SRC_TX + ", mục II.1",
        M,
    ),
    (
        T_ELIGIBILITY,
        "Cuộc thi được tổ chức dưới hình thức nào?",
        [
            "Thi viết trên giấy tại trụ sở Ủy ban nhân dân phường",
            "Thi vấn đáp trực tiếp trước Ban Giám khảo",
            "Thi trực tuyến trên môi trường mạng Internet",
            "Gửi bài dự thi qua đường bưu điện",
        ],
        2,
        "Cuộc thi được tổ chức dưới hình thức thi trực tuyến trên môi trường mạng Internet.",
        SRC_TX + ", mục II.2",
        E,
    ),
    (
        T_ELIGIBILITY,
        "Để được dự thi, thí sinh cần làm gì?",
        [
            "Hoàn thành việc cung cấp đầy đủ, chính xác các thông tin theo hướng dẫn tại website "
            "Cuộc thi",
            "Nộp lệ phí dự thi tại Ủy ban nhân dân phường",
            "Nộp bản sao giấy tờ tùy thân có chứng thực cho Ban Tổ chức",
            "Được thủ trưởng cơ quan giới thiệu bằng văn bản",
        ],
        0,
        "Kế hoạch: để được dự thi, thí sinh cần hoàn thành việc cung cấp đầy đủ, chính xác các "
        "thông tin theo hướng dẫn tại website Cuộc thi.",
        SRC_TX + ", mục II.2",
        M,
    ),
    (
        T_ELIGIBILITY,
        "Người dự thi trả lời các câu hỏi của Cuộc thi bằng phương tiện nào?",
        [
            "Phiếu trả lời in sẵn phát tại tổ dân phố",
            "Máy vi tính hoặc các thiết bị điện tử khác có kết nối internet, tại website cuộc thi",
            "Chỉ máy tính đặt tại trụ sở Phòng Tư pháp",
            "Tin nhắn điện thoại gửi tổng đài",
        ],
        1,
        "Người dự thi trả lời các câu hỏi được thiết kế sẵn trên máy vi tính hoặc các thiết bị "
        "điện tử khác có kết nối internet tại website cuộc thi.",
        SRC_TX + ", mục II.2",
        E,
    ),
    (
        T_ELIGIBILITY,
        "Cách thức dự thi và thời gian tham gia dự thi được quy định và hướng dẫn chi tiết ở đâu?",
        [
            "Trong Thể lệ của Cuộc thi",
            "Trong Nghị định số 59/2022/NĐ-CP",
            "Trong Quyết định thành lập Ban Giám khảo",
            "Trong báo cáo tổng kết Cuộc thi",
        ],
        0,
        "Kế hoạch dẫn chiếu: cách thức dự thi và thời gian tham gia dự thi được quy định và "
        "hướng dẫn chi tiết trong Thể lệ của Cuộc thi.",
        SRC_TX + ", mục II.2 và II.4",
        M,
    ),
    (
        T_ELIGIBILITY,
        "Phòng Giáo dục và Đào tạo quận Thanh Xuân phối hợp với Phòng Tư pháp hướng dẫn những "
        "học sinh nào tham gia cuộc thi?",
        [
            "Học sinh tiểu học trên địa bàn quận",
            "Học sinh từ đủ 14 tuổi trở lên thuộc các trường THCS trên địa bàn quận",
            "Sinh viên các trường đại học trên địa bàn quận",
            "Tất cả học sinh từ đủ 12 tuổi",
        ],
        1,
        "Phòng Giáo dục và Đào tạo phối hợp hướng dẫn học sinh từ đủ 14 tuổi trở lên thuộc các "
        "trường THCS trên địa bàn quận tham gia cuộc thi.",
        SRC_TX + ", mục VI.6",
        M,
    ),
    (
        T_ELIGIBILITY,
        "Theo Thể lệ của cuộc thi này, mỗi bài thi gồm bao nhiêu câu hỏi trắc nghiệm?",
        ["10 câu", "15 câu", "20 câu", "30 câu"],
        2,
        "Mỗi bài thi rút ngẫu nhiên 20 câu hỏi từ ngân hàng câu hỏi, 4 câu ở mỗi chủ đề.",
        SRC_RULES,
        E,
    ),
    (
        T_ELIGIBILITY,
        "Theo Thể lệ của cuộc thi này, thời gian làm mỗi bài thi là bao lâu?",
        ["10 phút", "20 phút", "30 phút", "45 phút"],
        1,
        "Thời gian làm bài là 20 phút, tính theo đồng hồ của máy chủ.",
        SRC_RULES,
        E,
    ),
    (
        T_ELIGIBILITY,
        "Theo Thể lệ của cuộc thi này, khi hai người có cùng số câu trả lời đúng thì căn cứ tiếp "
        "theo để xếp hạng là gì?",
        [
            "Người đăng ký dự thi sớm hơn",
            "Người lớn tuổi hơn",
            "Người có câu trả lời câu hỏi dự đoán gần đúng nhất",
            "Người dự thi nhiều lần hơn",
        ],
        2,
        "Thứ tự xếp hạng: nhiều câu đúng hơn, rồi dự đoán gần đúng hơn, rồi thời gian làm bài "
        "ngắn hơn, rồi nộp bài sớm hơn.",
        SRC_RULES,
        M,
    ),
    (
        T_ELIGIBILITY,
        "Báo cáo tổng kết của Thành phố chia bài dự thi theo những nhóm tuổi nào?",
        [
            "Dưới 14 tuổi và từ đủ 14 tuổi trở lên",
            "Từ đủ 14 tuổi đến dưới 18 tuổi và từ đủ 18 tuổi trở lên",
            "Dưới 30 tuổi và từ đủ 30 tuổi trở lên",
            "Từ đủ 12 tuổi đến dưới 16 tuổi và từ đủ 16 tuổi trở lên",
        ],
        1,
        "Báo cáo nêu số bài dự thi của người từ đủ 18 tuổi trở lên và của người từ đủ 14 tuổi "
        "đến dưới 18 tuổi.",
        SRC_HN,
        M,
    ),
    # --- Định danh điện tử, Đề án 06, mục đích (seeds 001, 000) ---
    (
        T_CONTENT,
        "Nội dung thi gồm các câu hỏi về quy định của pháp luật về định danh điện tử theo văn "
        "bản nào?",
        [
            "Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ",
            "Kế hoạch số 245/KH-UBND ngày 28/12/2018 của UBND Thành phố",
            "Công văn số 5661/UBND-TĐKT ngày 30/6/2021",
            "Kế hoạch số 94/KH-UBND ngày 17/3/2021",
        ],
        0,
        "Nội dung thi gồm các câu hỏi liên quan đến Đề án 06, quy định của pháp luật về định "
        "danh điện tử theo Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ.",
        SRC_TX + ", mục II.3",
        E,
    ),
    (
        T_CONTENT,
        "Nghị định số 59/2022/NĐ-CP được Chính phủ ban hành ngày nào?",
        ["Ngày 24/3/2022", "Ngày 05/9/2022", "Ngày 01/9/2023", "Ngày 09/11/2022"],
        1,
        "Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ.",
        ND59,
        M,
    ),
    (
        T_CONTENT,
        "Cơ quan nào ban hành Nghị định số 59/2022/NĐ-CP?",
        ["Quốc hội", "Chính phủ", "Ủy ban nhân dân thành phố Hà Nội", "Bộ Tư pháp"],
        1,
        "Kế hoạch ghi: Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ.",
        ND59,
        E,
    ),
    (
        T_CONTENT,
        "Nghị định số 59/2022/NĐ-CP quy định về vấn đề gì?",
        [
            "Thi hành án dân sự",
            "Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân",
            "Định danh và xác thực điện tử",
            "Phổ biến, giáo dục pháp luật trong nhà trường",
        ],
        2,
        "Kế hoạch nêu Nghị định số 59/2022/NĐ-CP quy định về định danh và xác thực điện tử.",
        ND59,
        E,
    ),
    (
        T_CONTENT,
        "Nội dung thi gồm các câu hỏi liên quan đến Đề án nào?",
        ["Đề án 01", "Đề án 06", "Đề án 09", "Đề án 30"],
        1,
        "Nội dung thi gồm các câu hỏi liên quan đến Đề án 06 và quy định của pháp luật về định "
        "danh điện tử.",
        SRC_TX + ", mục II.3",
        E,
    ),
    (
        T_CONTENT,
        "Theo Kế hoạch, Đề án 06 được triển khai trong công cuộc chuyển đổi số quốc gia đến năm "
        "nào, định hướng đến năm nào?",
        [
            "Đến năm 2025, định hướng đến năm 2030",
            "Đến năm 2023, định hướng đến năm 2025",
            "Đến năm 2030, định hướng đến năm 2045",
            "Đến năm 2020, định hướng đến năm 2025",
        ],
        0,
        "Mục tiêu tổng thể của Đề án được nêu trong công cuộc chuyển đổi số quốc gia đến năm "
        "2025, định hướng đến năm 2030.",
        SRC_TX + ", mục I.1",
        H,
    ),
    (
        T_CONTENT,
        "Cuộc thi tạo đồng thuận để người dân tích cực sử dụng ứng dụng nào trong các giao dịch "
        "hàng ngày?",
        [
            "Ứng dụng VNeID",
            "Ứng dụng thư điện tử của cơ quan",
            "Ứng dụng bản đồ số",
            "Ứng dụng mạng xã hội",
        ],
        0,
        "Mục đích: tạo đồng thuận để người dân tích cực tham gia, sử dụng ứng dụng VNeID, dịch "
        "vụ công trực tuyến trong các giao dịch hàng ngày.",
        SRC_TX + ", mục I.1",
        E,
    ),
    (
        T_CONTENT,
        "Theo Kế hoạch, mục tiêu tổng thể của Đề án 06 là ứng dụng những gì?",
        [
            "Cơ sở dữ liệu quốc gia về dân cư, hệ thống định danh và xác thực điện tử, thẻ căn "
            "cước công dân gắn chip điện tử, ứng dụng VNeID",
            "Hệ thống loa truyền thanh cơ sở và báo in",
            "Sổ hộ khẩu giấy và chứng minh nhân dân 9 số",
            "Hòm thư điện tử để thu nhận bài dự thi",
        ],
        0,
        "Kế hoạch nêu mục tiêu tổng thể của Đề án là ứng dụng cơ sở dữ liệu quốc gia về dân cư, "
        "hệ thống định danh và xác thực điện tử, thẻ căn cước công dân gắn chip điện tử, ứng "
        "dụng VNeID... trong công cuộc chuyển đổi số quốc gia.",
        SRC_TX + ", mục I.1",
        M,
    ),
    (
        T_CONTENT,
        "Cuộc thi hưởng ứng ngày lễ nào?",
        [
            "Ngày Quốc khánh 2/9",
            "Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam 9/11",
            "Ngày Chuyển đổi số quốc gia",
            "Ngày Quốc tế Lao động 1/5",
        ],
        1,
        "Cuộc thi hưởng ứng Ngày pháp luật nước CHXHCN Việt Nam 9/11.",
        SRC_TX + ", mục I.1",
        E,
    ),
    (
        T_CONTENT,
        "Cuộc thi nhằm đẩy mạnh ứng dụng gì trong công tác phổ biến, giáo dục pháp luật?",
        ["Công nghệ thông tin", "Báo in", "Hội nghị tập trung", "Pa-nô, áp phích"],
        0,
        "Cuộc thi nhằm đẩy mạnh ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục "
        "pháp luật.",
        SRC_TX + ", mục I.1",
        E,
    ),
    (
        T_CONTENT,
        "Kế hoạch của quận Thanh Xuân được ban hành để thực hiện Kế hoạch nào của Ủy ban nhân "
        "dân thành phố Hà Nội?",
        [
            "Kế hoạch số 245/KH-UBND ngày 28/12/2018",
            "Kế hoạch số 103/KH-UBND ngày 24/3/2023",
            "Kế hoạch số 94/KH-UBND ngày 17/3/2021",
            "Kế hoạch số 59/KH-UBND ngày 05/9/2022",
        ],
        1,
        "Kế hoạch của quận thực hiện Kế hoạch số 103/KH-UBND ngày 24/3/2023 của UBND thành phố "
        "Hà Nội.",
        SRC_TX,
        H,
    ),
    (
        T_CONTENT,
        "Theo Kế hoạch, Cuộc thi được tổ chức với tinh thần nào?",
        [
            "Nghiêm túc, thiết thực, tiết kiệm, hiệu quả",
            "Nhanh chóng, quy mô lớn, không giới hạn kinh phí",
            "Chỉ tổ chức trong nội bộ cơ quan nhà nước",
            "Tự nguyện, không cần tuyên truyền",
        ],
        0,
        "Yêu cầu: Cuộc thi được tổ chức với tinh thần nghiêm túc, thiết thực, tiết kiệm, hiệu quả.",
        SRC_TX + ", mục I.2",
        E,
    ),
    (
        T_CONTENT,
        "Theo Ban Tổ chức, Cuộc thi góp phần thực hiện mục tiêu xây dựng những gì của Thủ đô và "
        "cả nước?",
        [
            "Chính quyền số, kinh tế số, xã hội số và công dân số",
            "Khu công nghiệp, khu chế xuất và cảng biển",
            "Trường học, bệnh viện và công viên",
            "Đường sắt đô thị và đường vành đai",
        ],
        0,
        "Báo cáo tổng kết: Cuộc thi nhằm thực hiện thắng lợi mục tiêu xây dựng chính quyền số, "
        "kinh tế số, xã hội số và công dân số.",
        SRC_HN,
        M,
    ),
    (
        T_CONTENT,
        "Theo báo cáo tổng kết, Cuộc thi được kết hợp với việc gì đối với người dân trên địa "
        "bàn Thủ đô?",
        [
            "Cài đặt tài khoản định danh điện tử",
            "Cấp sổ hộ khẩu mới",
            "Đổi giấy phép lái xe",
            "Khám sức khỏe định kỳ",
        ],
        0,
        "Báo cáo: phong trào tìm hiểu kiến thức pháp luật kết hợp với việc cài đặt tài khoản "
        "định danh điện tử tới người dân trên địa bàn Thủ đô.",
        SRC_HN,
        M,
    ),
    # --- Giải thưởng và kinh phí (seed 001; seed 003 for 2019) ---
    (
        T_PRIZES,
        "Giải Nhất cá nhân của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["1.000.000 đồng", "1.500.000 đồng", "3.000.000 đồng", "5.000.000 đồng"],
        2,
        "Giải cá nhân: Giải Nhất 3.000.000 đồng.",
        SRC_TX + ", mục IV.1",
        E,
    ),
    (
        T_PRIZES,
        "Giải Nhì cá nhân của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["500.000 đồng", "1.500.000 đồng", "2.500.000 đồng", "3.500.000 đồng"],
        1,
        "Giải cá nhân: Giải Nhì 1.500.000 đồng.",
        SRC_TX + ", mục IV.1",
        E,
    ),
    (
        T_PRIZES,
        "Giải Ba cá nhân của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["500.000 đồng", "1.000.000 đồng", "1.500.000 đồng", "2.500.000 đồng"],
        1,
        "Giải cá nhân: Giải Ba 1.000.000 đồng.",
        SRC_TX + ", mục IV.1",
        M,
    ),
    (
        T_PRIZES,
        "Giải Khuyến khích cá nhân của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["200.000 đồng", "300.000 đồng", "500.000 đồng", "1.000.000 đồng"],
        2,
        "Giải cá nhân: Giải Khuyến khích 500.000 đồng.",
        SRC_TX + ", mục IV.1",
        M,
    ),
    (
        T_PRIZES,
        "Cuộc thi cấp quận Thanh Xuân có bao nhiêu giải Nhất cá nhân?",
        ["01 giải", "02 giải", "03 giải", "04 giải"],
        1,
        "Giải cá nhân gồm 02 giải nhất, 04 giải nhì, 10 giải ba và 15 giải khuyến khích.",
        SRC_TX + ", mục IV.1",
        M,
    ),
    (
        T_PRIZES,
        "Cuộc thi cấp quận Thanh Xuân có bao nhiêu giải Khuyến khích cá nhân?",
        ["10 giải", "15 giải", "20 giải", "35 giải"],
        1,
        "Giải cá nhân gồm 02 giải nhất, 04 giải nhì, 10 giải ba và 15 giải khuyến khích.",
        SRC_TX + ", mục IV.1",
        M,
    ),
    (
        T_PRIZES,
        "Tổng cộng Cuộc thi cấp quận Thanh Xuân có bao nhiêu giải cá nhân?",
        ["21 giải", "26 giải", "31 giải", "65 giải"],
        2,
        "2 giải nhất + 4 giải nhì + 10 giải ba + 15 giải khuyến khích = 31 giải.",
        SRC_TX + ", mục IV.1",
        H,
    ),
    (
        T_PRIZES,
        "Tổng giá trị các giải cá nhân của Cuộc thi cấp quận Thanh Xuân là bao nhiêu?",
        ["19.500.000 đồng", "29.500.000 đồng", "31.000.000 đồng", "49.000.000 đồng"],
        1,
        "2 × 3.000.000 + 4 × 1.500.000 + 10 × 1.000.000 + 15 × 500.000 = 29.500.000 đồng.",
        SRC_TX + ", mục IV.1",
        H,
    ),
    (
        T_PRIZES,
        "Giải Nhất tập thể của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["3.000.000 đồng", "3.500.000 đồng", "5.000.000 đồng", "10.000.000 đồng"],
        2,
        "Giải tập thể: Giải Nhất 5.000.000 đồng.",
        SRC_TX + ", mục IV.2",
        E,
    ),
    (
        T_PRIZES,
        "Giải Nhì tập thể của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["2.500.000 đồng", "3.000.000 đồng", "3.500.000 đồng", "4.000.000 đồng"],
        2,
        "Giải tập thể: Giải Nhì 3.500.000 đồng.",
        SRC_TX + ", mục IV.2",
        M,
    ),
    (
        T_PRIZES,
        "Giải Ba tập thể của Cuộc thi cấp quận Thanh Xuân trị giá bao nhiêu?",
        ["1.500.000 đồng", "2.000.000 đồng", "2.500.000 đồng", "3.500.000 đồng"],
        2,
        "Giải tập thể: Giải Ba 2.500.000 đồng.",
        SRC_TX + ", mục IV.2",
        M,
    ),
    (
        T_PRIZES,
        "Cơ cấu giải tập thể của Cuộc thi cấp quận Thanh Xuân gồm những giải nào?",
        [
            "01 giải nhất, 02 giải nhì, 03 giải ba",
            "03 giải nhất, 07 giải nhì, 10 giải ba",
            "02 giải nhất, 04 giải nhì, 10 giải ba",
            "01 giải nhất, 01 giải nhì, 01 giải ba",
        ],
        0,
        "Giải tập thể gồm 01 giải nhất, 02 giải nhì, 3 giải ba.",
        SRC_TX + ", mục IV.2",
        M,
    ),
    (
        T_PRIZES,
        "Mức giải thưởng của Cuộc thi cấp quận được điều chỉnh từ nguồn nào (nếu có)?",
        [
            "Từ nguồn xã hội hóa",
            "Từ lệ phí dự thi của thí sinh",
            "Từ ngân sách trung ương",
            "Từ tiền phạt vi phạm hành chính",
        ],
        0,
        "Kế hoạch: mức giải thưởng Cuộc thi điều chỉnh từ nguồn xã hội hóa (nếu có).",
        SRC_TX + ", mục IV",
        M,
    ),
    (
        T_PRIZES,
        "Kinh phí tổ chức Cuộc thi cấp quận Thanh Xuân được lấy từ nguồn nào?",
        [
            "Nguồn kinh phí hoạt động của Hội đồng phối hợp phổ biến, giáo dục pháp luật quận năm "
            "2023, kinh phí xã hội hóa và các nguồn kinh phí hợp pháp khác",
            "Lệ phí dự thi do người dự thi nộp",
            "Kinh phí do các doanh nghiệp viễn thông chi trả toàn bộ",
            "Quỹ khen thưởng của các trường học",
        ],
        0,
        "Kinh phí cấp Quận lấy từ kinh phí hoạt động của Hội đồng phối hợp phổ biến, giáo dục "
        "pháp luật quận năm 2023, kinh phí xã hội hóa và các nguồn hợp pháp khác (nếu có).",
        SRC_TX + ", mục V",
        H,
    ),
    (
        T_PRIZES,
        "Tùy theo điều kiện thực tế, ai có thể điều chỉnh cơ cấu giải thưởng của Cuộc thi cấp "
        "Quận?",
        [
            "Ban Tổ chức Cuộc thi cấp Quận",
            "Từng người dự thi",
            "Ủy ban nhân dân các phường",
            "Các trường THCS trên địa bàn",
        ],
        0,
        "Kế hoạch: tùy theo điều kiện thực tế, Ban Tổ chức Cuộc thi cấp Quận có thể điều chỉnh "
        "cơ cấu giải thưởng.",
        SRC_TX + ", mục IV",
        M,
    ),
    (
        T_PRIZES,
        "Cuộc thi “Tìm hiểu Dịch vụ công trực tuyến” của Hà Nội năm 2019 có cơ cấu giải cá nhân "
        "như thế nào?",
        [
            "02 giải nhất, 04 giải nhì, 10 giải ba, 15 giải khuyến khích",
            "03 giải nhất, 07 giải nhì, 20 giải ba, 35 giải khuyến khích",
            "03 giải nhất, 07 giải nhì, 10 giải ba",
            "01 giải nhất, 02 giải nhì, 03 giải ba",
        ],
        1,
        "Giải cá nhân năm 2019 gồm 03 giải nhất, 07 giải nhì, 20 giải ba và 35 giải khuyến khích.",
        SRC_2019 + ", mục IV",
        H,
    ),
    (
        T_PRIZES,
        "Cuộc thi “Tìm hiểu Dịch vụ công trực tuyến” của Hà Nội năm 2019 có cơ cấu giải tập thể "
        "như thế nào?",
        [
            "01 giải nhất, 02 giải nhì, 03 giải ba",
            "03 giải nhất, 07 giải nhì, 10 giải ba",
            "03 giải nhất, 07 giải nhì, 20 giải ba",
            "05 giải nhất, 10 giải nhì, 15 giải ba",
        ],
        1,
        "Giải tập thể năm 2019 gồm 03 giải nhất, 07 giải nhì, 10 giải ba.",
        SRC_2019 + ", mục IV",
        H,
    ),
    # --- Kết quả trên địa bàn Thành phố (seed 000) ---
    (
        T_RESULTS,
        "Kết thúc Cuộc thi, toàn thành phố Hà Nội có bao nhiêu người dự thi chính thức?",
        ["1.356.173 người", "1.454.529 người", "1.512.991 người", "2.512.991 người"],
        2,
        "Toàn TP Hà Nội có 1.512.991 người dự thi chính thức.",
        SRC_HN,
        E,
    ),
    (
        T_RESULTS,
        "Khối Sở, ban, ngành Thành phố có bao nhiêu người dự thi chính thức?",
        ["8.858 người", "58.462 người", "156.818 người", "255.119 người"],
        1,
        "Khối Sở, ban, ngành TP có 58.462 người dự thi chính thức.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Khối quận, huyện, thị xã có bao nhiêu người dự thi chính thức?",
        ["1.454.529 người", "1.356.173 người", "1.512.991 người", "58.462 người"],
        0,
        "Khối quận, huyện, thị xã trên địa bàn TP có 1.454.529 người dự thi chính thức.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Có bao nhiêu bài dự thi của người từ đủ 18 tuổi trở lên?",
        ["156.818 bài", "1.356.173 bài", "1.454.529 bài", "1.512.991 bài"],
        1,
        "Bài dự thi của người từ đủ 18 tuổi trở lên là 1.356.173 bài.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Có bao nhiêu bài dự thi của người từ đủ 14 tuổi đến dưới 18 tuổi?",
        ["58.462 bài", "103.439 bài", "156.818 bài", "255.119 bài"],
        2,
        "Bài dự thi của người từ đủ 14 tuổi đến dưới 18 tuổi là 156.818 bài.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Trong khối Sở, ban, ngành, đơn vị nào có số người dự thi đông nhất được nêu trong báo "
        "cáo?",
        ["Công an Thành phố", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng"],
        2,
        "Sở GD&ĐT có 8.858 người dự thi, đứng đầu danh sách khối sở, ban, ngành.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Sở Giáo dục và Đào tạo Hà Nội có bao nhiêu người dự thi?",
        ["3.963 người", "4.008 người", "8.858 người", "58.462 người"],
        2,
        "Sở GD&ĐT có 8.858 người dự thi.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Công an Thành phố Hà Nội có bao nhiêu người dự thi?",
        ["899 người", "1.971 người", "4.008 người", "8.858 người"],
        2,
        "Công an TP có 4.008 người dự thi.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Trong khối quận, huyện, thị xã, đơn vị nào có số người dự thi đông nhất được nêu trong "
        "báo cáo?",
        ["Huyện Hoài Đức", "Huyện Đông Anh", "Quận Cầu Giấy", "Quận Thanh Xuân"],
        0,
        "Huyện Hoài Đức có 255.119 người dự thi, đứng đầu danh sách khối quận, huyện, thị xã.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Huyện Hoài Đức có bao nhiêu người dự thi?",
        ["212.887 người", "231.895 người", "255.119 người", "103.439 người"],
        2,
        "Huyện Hoài Đức có 255.119 người dự thi.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Quận Thanh Xuân có bao nhiêu người dự thi?",
        ["63.612 người", "93.233 người", "103.439 người", "212.887 người"],
        2,
        "Quận Thanh Xuân có 103.439 người dự thi.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Quận Cầu Giấy có bao nhiêu người dự thi?",
        ["103.439 người", "212.887 người", "231.895 người", "255.119 người"],
        1,
        "Quận Cầu Giấy có 212.887 người dự thi.",
        SRC_HN,
        M,
    ),
    (
        T_RESULTS,
        "Cuộc thi trên địa bàn thành phố Hà Nội kết thúc vào thời điểm nào?",
        [
            "24 giờ ngày 1/9/2023",
            "17 giờ ngày 16/9/2019",
            "Hết ngày 30/9/2023",
            "24 giờ ngày 9/11/2023",
        ],
        0,
        "Báo cáo: kết thúc cuộc thi 24 giờ ngày 1/9/2023 (tức 0 giờ ngày 2/9/2023).",
        SRC_HN,
        E,
    ),
    (
        T_RESULTS,
        "Bao nhiêu phần trăm quận, huyện, thị xã của Hà Nội đã tích cực tham gia Cuộc thi?",
        ["50%", "75%", "90%", "100%"],
        3,
        "Báo cáo: 100% các quận, huyện, thị xã đã tích cực tham gia cuộc thi.",
        SRC_HN,
        E,
    ),
    (
        T_RESULTS,
        "Huyện Đông Anh có bao nhiêu người dự thi?",
        ["93.233 người", "212.887 người", "231.895 người", "255.119 người"],
        2,
        "Huyện Đông Anh có 231.895 người dự thi.",
        SRC_HN,
        H,
    ),
    (
        T_RESULTS,
        "Sở Y tế Hà Nội có bao nhiêu người dự thi?",
        ["1.443 người", "3.963 người", "4.008 người", "8.858 người"],
        1,
        "Sở Y tế có 3.963 người dự thi.",
        SRC_HN,
        H,
    ),
    # --- Các cuộc thi khác (seeds 001, 002, 003, 004) ---
    (
        T_OTHERS,
        "Cuộc thi trực tuyến “Tìm hiểu quy định của pháp luật về thi hành án dân sự” trên địa "
        "bàn tỉnh Bắc Giang được tổ chức trong thời gian nào?",
        [
            "Từ ngày 01/9/2023 đến hết ngày 30/9/2023",
            "Từ ngày 24/3/2023 đến ngày 1/9/2023",
            "Từ ngày 06/9/2019 đến ngày 16/9/2019",
            "Từ ngày 30/6/2021 đến ngày 03/7/2021",
        ],
        0,
        "Cuộc thi được tổ chức từ ngày 01/9/2023 đến hết ngày 30/9/2023.",
        SRC_BG,
        M,
    ),
    (
        T_OTHERS,
        "Cuộc thi về thi hành án dân sự ở Bắc Giang có bao nhiêu người đăng ký tham gia dự thi?",
        ["52.812 người", "57.342 người", "282.063 người", "1.512.991 người"],
        1,
        "Có 57.342 người đăng ký tham gia dự thi.",
        SRC_BG,
        M,
    ),
    (
        T_OTHERS,
        "Cuộc thi về thi hành án dân sự ở Bắc Giang có bao nhiêu lượt thi?",
        ["57.342 lượt", "52.812 lượt", "282.063 lượt", "156.818 lượt"],
        2,
        "Người dự thi đã tham gia 282.063 lượt thi.",
        SRC_BG,
        M,
    ),
    (
        T_OTHERS,
        "Ở cuộc thi về thi hành án dân sự tại Bắc Giang, bao nhiêu lượt thi trả lời đúng tất cả "
        "các câu hỏi?",
        ["19 lượt", "5.281 lượt", "52.812 lượt", "57.342 lượt"],
        2,
        "Có 52.812 lượt thi trả lời đúng 19/19 câu hỏi trắc nghiệm.",
        SRC_BG,
        H,
    ),
    (
        T_OTHERS,
        "Bài thi của cuộc thi về thi hành án dân sự tại Bắc Giang có bao nhiêu câu hỏi trắc "
        "nghiệm?",
        ["15 câu", "19 câu", "20 câu", "25 câu"],
        1,
        "Báo cáo nêu các lượt thi trả lời đúng 19/19 câu hỏi trắc nghiệm.",
        SRC_BG,
        M,
    ),
    (
        T_OTHERS,
        "Trong cuộc thi “Tìm hiểu Dịch vụ công trực tuyến” của Hà Nội năm 2019, người dự thi "
        "phải từ đủ bao nhiêu tuổi?",
        ["Từ đủ 12 tuổi", "Từ đủ 14 tuổi", "Từ đủ 16 tuổi", "Từ đủ 18 tuổi"],
        0,
        "Đối tượng là công dân Việt Nam từ đủ 12 tuổi trở lên, đang sinh sống và làm việc trên "
        "địa bàn thành phố Hà Nội.",
        SRC_2019 + ", mục II.1",
        M,
    ),
    (
        T_OTHERS,
        "Cuộc thi “Tìm hiểu Dịch vụ công trực tuyến” của Hà Nội năm 2019 có hình thức dự thi nào?",
        [
            "Bài viết bằng tiếng Việt có dấu trên khổ giấy A4, hoặc bản scan bài viết tay, gửi "
            "về hòm thư điện tử của Ban Tổ chức",
            "Chỉ thi trắc nghiệm trực tuyến 20 phút",
            "Thi vấn đáp trực tiếp tại Sở Tư pháp",
            "Thi qua tin nhắn điện thoại",
        ],
        0,
        "Năm 2019 dự thi theo hình thức bài viết (A4, Times New Roman cỡ 14) hoặc scan bài viết "
        "tay, gửi về địa chỉ thư điện tử do Ban Tổ chức lập.",
        SRC_2019 + ", mục II.2",
        M,
    ),
    (
        T_OTHERS,
        "Năm 2019, mỗi quận, huyện, thị xã của Hà Nội tập hợp bao nhiêu bài thi xuất sắc gửi về "
        "Ban Tổ chức cuộc thi Thành phố?",
        ["10 bài", "35 bài", "65 bài", "100 bài"],
        3,
        "UBND các quận, huyện, thị xã tổ chức chấm sơ khảo và tập hợp 100 bài thi xuất sắc gửi "
        "về Ban Tổ chức cuộc thi Thành phố.",
        SRC_2019 + ", mục II.4",
        M,
    ),
    (
        T_OTHERS,
        "Năm 2019, thời hạn nộp bài thi về Ban Tổ chức cuộc thi Thành phố là khi nào?",
        [
            "Trước 17h00 ngày 06/9/2019",
            "Trước 17h00 ngày 16/9/2019",
            "24 giờ ngày 1/9/2019",
            "Đầu tháng 11/2019",
        ],
        1,
        "Thời hạn nộp bài thi về Ban Tổ chức cuộc thi Thành phố: trước 17h00 ngày 16/9/2019 "
        "(đơn vị nhận bài dự thi trước 17h00 ngày 06/9/2019).",
        SRC_2019 + ", mục II.4",
        H,
    ),
    (
        T_OTHERS,
        "Năm 2019, cơ quan nào là cơ quan Thường trực của Ban Tổ chức cuộc thi Thành phố?",
        ["Sở Nội vụ", "Sở Tư pháp Hà Nội", "Sở Thông tin và Truyền thông", "Sở Tài chính"],
        1,
        "Sở Tư pháp Hà Nội là cơ quan Thường trực của Ban Tổ chức cuộc thi Thành phố.",
        SRC_2019 + ", mục VI.1",
        M,
    ),
    (
        T_OTHERS,
        "Năm 2021, Thừa Thiên Huế tổng kết Cuộc thi trực tuyến tìm hiểu pháp luật về lĩnh vực nào?",
        [
            "Thi hành án dân sự",
            "Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân các cấp",
            "Định danh điện tử",
            "Dịch vụ công trực tuyến",
        ],
        1,
        "Công văn số 5661/UBND-TĐKT nói về Báo cáo tổng kết Cuộc thi trực tuyến “Tìm hiểu pháp "
        "luật về bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân các cấp”.",
        SRC_TTH,
        M,
    ),
    (
        T_OTHERS,
        "Cơ quan nào là cơ quan thường trực của Ban Tổ chức Cuộc thi cấp quận Thanh Xuân?",
        [
            "Phòng Tư pháp",
            "Phòng Nội vụ",
            "Công an quận",
            "Phòng Tài chính - Kế hoạch",
        ],
        0,
        "Phòng Tư pháp là cơ quan thường trực của Ban Tổ chức Cuộc thi cấp Quận.",
        SRC_TX + ", mục VI.1",
        E,
    ),
    (
        T_OTHERS,
        "Kế hoạch của quận Thanh Xuân triển khai Cuộc thi tại bao nhiêu phường?",
        ["9 phường", "10 phường", "11 phường", "12 phường"],
        2,
        "Cuộc thi được triển khai tại các phòng, ban, đơn vị và 11 phường trên địa bàn quận.",
        SRC_TX + ", mục III",
        M,
    ),
    (
        T_OTHERS,
        "Theo Kế hoạch của quận Thanh Xuân, việc tổng kết và trao giải Cuộc thi được thực hiện "
        "vào thời gian nào?",
        ["Quý I/2023", "Quý II/2023", "Quý III/2023", "Quý IV/2023"],
        3,
        "Quý IV/2023: tổng kết và trao giải Cuộc thi.",
        SRC_TX + ", mục III",
        M,
    ),
]

DEMO_PURPOSE = """<ul>
<li>Tiếp tục đẩy mạnh công tác tuyên truyền, phổ biến, giáo dục nâng cao nhận thức cho cán bộ,
công chức, viên chức và người dân về ý nghĩa của việc triển khai thực hiện Đề án 06.</li>
<li>Phổ biến rộng rãi các quy định của pháp luật về định danh điện tử, dịch vụ công trực tuyến,
từ đó tạo đồng thuận để người dân tích cực tham gia, sử dụng ứng dụng VNeID, dịch vụ công trực
tuyến trong các giao dịch hàng ngày.</li>
<li>Nâng cao nhận thức, ý thức tuân thủ, chấp hành pháp luật về định danh điện tử, dịch vụ công
trực tuyến của cán bộ, công chức, viên chức và người dân.</li>
<li>Đẩy mạnh ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục pháp luật và hưởng
ứng Ngày pháp luật nước CHXHCN Việt Nam 9/11.</li>
</ul>"""

DEMO_REQUIREMENTS = (
    "<p>Cuộc thi được tổ chức với tinh thần nghiêm túc, thiết thực, tiết kiệm, hiệu quả, huy động "
    "được sự tham gia của đông đảo cán bộ, công chức, viên chức, lực lượng vũ trang, người lao "
    "động, học sinh, sinh viên và Nhân dân.</p>"
)

DEMO_RULES = """<h3>1. Cách thức dự thi</h3>
<p>Thi trực tuyến trên website cuộc thi, bằng máy vi tính hoặc điện thoại có kết nối Internet.
Người dự thi đăng ký một lần, cung cấp đầy đủ, chính xác thông tin theo hướng dẫn.</p>
<h3>2. Bài thi</h3>
<p>Mỗi bài thi gồm 20 câu hỏi trắc nghiệm rút ngẫu nhiên từ ngân hàng câu hỏi (4 câu ở mỗi chủ
đề), mỗi câu có một phương án đúng; thời gian làm bài 20 phút, tính theo đồng hồ máy chủ. Mỗi người
được thi tối đa 3 lần; kết quả cao nhất được tính.</p>
<h3>3. Câu hỏi dự đoán</h3>
<p>Cuối bài thi, người dự thi trả lời câu hỏi dự đoán: có bao nhiêu người trả lời đúng tất cả các
câu hỏi.</p>
<h3>4. Xếp hạng</h3>
<p>Xếp theo số câu trả lời đúng; bằng nhau thì xét dự đoán gần đúng nhất, rồi thời gian làm bài
ngắn hơn, rồi thời điểm nộp bài sớm hơn. Mỗi người chỉ nhận một giải.</p>"""

DEMO_ELIGIBILITY = (
    "<p>Công dân Việt Nam và người nước ngoài nhập cảnh vào Việt Nam từ đủ 14 tuổi trở lên, "
    "hiện đang sinh sống và làm việc trên địa bàn thành phố Hà Nội (trừ thành viên Ban Tổ chức, "
    "Ban Giám khảo, Tổ giúp việc và những bộ phận cán bộ trực tiếp tham gia vào quá trình tổ "
    "chức Cuộc thi).</p>"
)

# Fictitious document numbers (well formed: Hà Nội, born 1985/1990) of the demo's organisers
# and judges, who may not enter.
DEMO_EXCLUDED = [
    ("001085000101", "Thành viên Ban Tổ chức"),
    ("001190000102", "Thành viên Ban Giám khảo"),
    ("001085000103", "Tổ giúp việc"),
]

# (kind, rank, name, count, amount)
THANH_XUAN_TIERS = [
    ("individual", 1, "Giải Nhất", 2, 3_000_000),
    ("individual", 2, "Giải Nhì", 4, 1_500_000),
    ("individual", 3, "Giải Ba", 10, 1_000_000),
    ("individual", 4, "Giải Khuyến khích", 15, 500_000),
    ("collective", 1, "Giải Nhất", 1, 5_000_000),
    ("collective", 2, "Giải Nhì", 2, 3_500_000),
    ("collective", 3, "Giải Ba", 3, 2_500_000),
]
# The city's counts follow Hà Nội 2019 (3/7/20/35 and 3/7/10); that plan left the amounts to
# the city, so the demo's amounts are illustrative and the title says so.
CITY_TIERS = [
    ("individual", 1, "Giải Nhất", 3, 5_000_000),
    ("individual", 2, "Giải Nhì", 7, 3_000_000),
    ("individual", 3, "Giải Ba", 20, 2_000_000),
    ("individual", 4, "Giải Khuyến khích", 35, 1_000_000),
    ("collective", 1, "Giải Nhất", 3, 10_000_000),
    ("collective", 2, "Giải Nhì", 7, 7_000_000),
    ("collective", 3, "Giải Ba", 10, 5_000_000),
]


def _demo_window(now):
    """Opens at 0 giờ today (local), closes at 24 giờ of the day 30 days later."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    opens = timezone.make_aware(datetime.datetime.combine(today, datetime.time()), tz)
    closes = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=31), datetime.time()), tz
    )
    return opens, closes


def _prize_structure(contest, *, unit, title, kind, tiers):
    structure, _created = PrizeStructure.objects.update_or_create(
        contest=contest, unit=unit, defaults={"title": title, "collective_unit_kind": kind}
    )
    for tier_kind, rank, name, count, amount in tiers:
        PrizeTier.objects.update_or_create(
            structure=structure,
            kind=tier_kind,
            rank_order=rank,
            defaults={"name": name, "count": count, "amount": amount},
        )
    return structure


@transaction.atomic
def seed_demo_contest(*, now=None):
    """The open demo contest (see DEMO_QUESTIONS). Idempotent: a second run changes nothing,
    except that a window that has (nearly) ended is moved to start today again. Needs
    seed_units_and_accounts() first."""
    now = now or timezone.now()
    city = Unit.objects.get(code="HN")
    thanh_xuan = Unit.objects.get(code="HN-TX")
    opens_at, closes_at = _demo_window(now)
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None:
        contest = Contest.objects.create(
            slug=DEMO_SLUG,
            title=DEMO_TITLE,
            owner_unit=city,
            participation_root=city,
            opens_at=opens_at,
            closes_at=closes_at,
        )
    elif contest.closes_at <= now + datetime.timedelta(days=1):
        Contest.objects.filter(pk=contest.pk).update(opens_at=opens_at, closes_at=closes_at)
    Contest.objects.filter(pk=contest.pk).update(
        title=DEMO_TITLE,
        summary=(
            "Cuộc thi mô phỏng theo Cuộc thi trực tuyến “Tìm hiểu pháp luật về định danh điện tử "
            "và dịch vụ công trực tuyến” của thành phố Hà Nội năm 2023 (dữ liệu minh họa)."
        ),
        purpose=rich_text_clean(DEMO_PURPOSE),
        requirements=rich_text_clean(DEMO_REQUIREMENTS),
        rules=rich_text_clean(DEMO_RULES),
        eligibility_note=rich_text_clean(DEMO_ELIGIBILITY),
        min_age=14,
        allow_citizens=True,
        allow_foreigners=True,
        attempts_allowed=3,
        time_limit_minutes=20,
        shuffle_options=True,
        review_content=Contest.ReviewContent.SCORE,
        review_timing=Contest.ReviewTiming.AFTER_CONTEST,
        prediction_text="Theo bạn, có bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_target=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
        collective_rule=Contest.CollectiveRule.PARTICIPANTS,
    )
    contest.refresh_from_db()

    Milestone.objects.filter(contest=contest).delete()
    Milestone.objects.bulk_create(
        [
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.opens_at),
                text="Phát động Cuộc thi; bắt đầu thi trực tuyến",
            ),
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.closes_at) - datetime.timedelta(days=1),
                text="Kết thúc thi trực tuyến (24 giờ)",
            ),
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.closes_at) + datetime.timedelta(days=30),
                text="Tổng kết và trao giải",
            ),
        ]
    )
    for number, reason in DEMO_EXCLUDED:
        ExcludedPerson.objects.update_or_create(
            contest=contest, document_number=number, defaults={"reason": reason}
        )

    topics = {}
    for name in DEMO_TOPICS:
        topics[name], _created = Topic.objects.get_or_create(contest=contest, name=name)
    existing = {
        question_text_key(text)
        for text in contest.questions.filter(is_active=True).values_list("text", flat=True)
    }
    for topic, text, options, correct, explanation, source, difficulty in DEMO_QUESTIONS:
        if question_text_key(text) in existing:
            continue
        question_create(
            contest=contest,
            topic=topics[topic],
            text=text,
            options=[OptionData(o, i == correct) for i, o in enumerate(options)],
            explanation=explanation,
            legal_reference=source,
            difficulty=difficulty,
        )
    for topic in topics.values():
        BlueprintItem.objects.update_or_create(
            contest=contest, round=None, topic=topic, difficulty=None, defaults={"count": 4}
        )

    _prize_structure(
        contest,
        unit=None,
        title="Giải cấp Thành phố (mức giải minh họa)",
        kind=Unit.Kind.DISTRICT,
        tiers=CITY_TIERS,
    )
    _prize_structure(
        contest,
        unit=thanh_xuan,
        title="Giải cấp quận Thanh Xuân",
        kind=Unit.Kind.WARD,
        tiers=THANH_XUAN_TIERS,
    )
    if contest.status == Contest.Status.DRAFT:
        problems = blueprint_problems(contest=contest)
        if problems:
            raise RuntimeError("; ".join(problems))
        contest_publish(contest=contest, user=None, now=now)
    return contest
