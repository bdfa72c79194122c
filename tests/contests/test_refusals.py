import pytest

from contests.refusals import Refusal, Refused, raise_if_refused


def test_refused_carries_code_and_vietnamese_message():
    refused = Refused("closed", "Cuộc thi đã kết thúc.")
    assert refused.code == "closed"
    assert refused.message == "Cuộc thi đã kết thúc."
    assert str(refused) == "Cuộc thi đã kết thúc."


def test_raise_if_refused_turns_a_refusal_into_the_exception():
    raise_if_refused(None)
    with pytest.raises(Refused) as info:
        raise_if_refused(Refusal("too_young", "Bạn chưa đủ 14 tuổi."))
    assert (info.value.code, str(info.value)) == ("too_young", "Bạn chưa đủ 14 tuổi.")
