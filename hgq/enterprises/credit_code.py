"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters from the code set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, Z, S, V):
1 registration authority, 1 organisation type, 6 administrative division (digits),
9 organisation code (GB 11714), 1 check character computed over the first 17.
"""

from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(rf"^[{CHARSET}]{{2}}\d{{6}}[{CHARSET}]{{10}}$")


class InvalidCreditCode(ValueError):
    """The text is not a valid 统一社会信用代码; ``str(exc)`` is a Chinese explanation."""


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(text: str) -> str:
    """Return the code in canonical form (upper case, no spaces) or raise InvalidCreditCode."""
    code = re.sub(r"\s+", "", text or "").upper()
    if len(code) != 18:
        raise InvalidCreditCode(f"统一社会信用代码应为18位，当前为{len(code)}位")
    if not _SHAPE.match(code):
        raise InvalidCreditCode(
            "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V，第3至8位为行政区划数字）"
        )
    if check_character(code[:17]) != code[17]:
        raise InvalidCreditCode("统一社会信用代码校验位不正确，请核对后重新输入")
    return code


def is_valid_credit_code(text: str) -> bool:
    try:
        normalize_credit_code(text)
    except InvalidCreditCode:
        return False
    return True


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo and tests)."""
    if len(first17) != 17 or any(ch not in CHARSET for ch in first17):
        raise InvalidCreditCode("需要17位有效字符")
    return first17 + check_character(first17)
