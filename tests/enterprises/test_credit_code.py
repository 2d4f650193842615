import pytest

from hgq.enterprises.credit_code import (
    InvalidCreditCode,
    check_character,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)

# Published codes of well-known companies (public registration data).
REAL_CODES = [
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 中国石油化工股份有限公司
    "914403001922038216",  # 华为技术有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert is_valid_credit_code(code)
    assert normalize_credit_code(code) == code


def test_normalizes_case_and_spaces():
    assert normalize_credit_code(" 9144030071526726xg ") == "9144030071526726XG"
    assert normalize_credit_code("914403007 1526726XG") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "18位"),
        ("9144030071526726X", "18位"),
        ("9144030071526726XGG", "18位"),
        ("9144030071526726XA", "校验位"),  # wrong check character
        ("9144030071526726X0", "校验位"),
        ("91440300715267260G", "校验位"),  # one body character changed
        ("9144030071526726IG", "无效字符"),  # I is not in the code set
        ("9144030071526726OG", "无效字符"),  # nor O
        ("91A4030071526726XG", "无效字符"),  # division code must be digits
        ("914403007152672SXG", "无效字符"),  # S is not in the code set
    ],
)
def test_invalid_codes_are_refused_with_a_reason(code, reason):
    assert not is_valid_credit_code(code)
    with pytest.raises(InvalidCreditCode, match=reason):
        normalize_credit_code(code)


def test_make_credit_code_round_trip():
    code = make_credit_code("91431200000000001")
    assert len(code) == 18
    assert is_valid_credit_code(code)
    assert code[17] == check_character(code[:17])


def test_check_character_zero_case():
    # 31 - (sum mod 31) == 31 must map to "0", not overflow the code set.
    body = next(
        f"9143120000000{n:04d}"
        for n in range(10000)
        if check_character(f"9143120000000{n:04d}") == "0"
    )
    assert is_valid_credit_code(body + "0")


def test_make_credit_code_rejects_bad_input():
    with pytest.raises(InvalidCreditCode):
        make_credit_code("914312")
    with pytest.raises(InvalidCreditCode):
        make_credit_code("9143120000000000I")
