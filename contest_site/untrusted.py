"""Reading what a client sends: the few rules every app applies to ids, numbers, text and
JSON from a URL, a query string, a form or a request body. Importable by every app (it
imports none of them).

Why one module: each of these was once parsed in its own way, and each way had its own hole
(`"١".isdecimal()` is true and `int("١")` is 1, so an Arabic-Indic digit opened contest 1;
an id of 20 digits overflowed SQLite's integer; JSON nested 5,000 deep raised RecursionError;
a NUL byte reached PostgreSQL, which refuses it in a string literal). Here they are decided
once."""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

# Ids are positive and fit a signed 64-bit integer (PostgreSQL bigint, SQLite INTEGER):
# 18 digits always do, 19 may not, and no row of ours will ever need 19.
_ID = re.compile(r"[0-9]{1,18}")

# C0 control characters that no text a person types contains. Tab, line feed and carriage
# return are kept for form bodies (a textarea has lines); NUL is refused by PostgreSQL in any
# string, and the others are refused by the XML inside an Excel file (openpyxl raises).
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A path never contains a control character at all.
_UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f]")

# The years a date a person types may fall in: dates of birth from 1900, contests until 2099.
# contests/dates.py builds its ranges on them; the admin's date hierarchy is held to them
# (contest_site/middleware.py).
YEAR_MIN, YEAR_MAX = 1900, 2099

JSON_MAX_BYTES = 64 * 1024
JSON_MAX_DEPTH = 20


def parse_id(value: Any) -> int | None:
    """The id written in `value` (ASCII digits only, at most 18 of them), else None.

    Not `str.isdecimal()` nor `int()`: both take "١" (Arabic-Indic one) and `int()` also
    takes " 1", "1_0" and "+1"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 10**18 - 1 else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def unsafe_text(value: str) -> bool:
    """True when `value` contains a control character that no typed text contains."""
    return _UNSAFE_TEXT.search(value) is not None


# A value that is only a number (digits, sign, separators) written with any Unicode digit.
_NUMBERISH = re.compile(r"\s*[+-]?[\d.,]+\s*")


def foreign_number(value: str) -> bool:
    """True when `value` is a number written with digits other than ASCII 0-9 ("١٤", "１２").

    Django's form fields and `int()` read them as numbers (min_age "١٤" became 14); no page of
    ours offers them and no person here types them, so they are refused, not converted.
    Text that merely contains such a digit among letters is left alone."""
    return not value.isascii() and _NUMBERISH.fullmatch(value) is not None


def unsafe_path(value: str) -> bool:
    return _UNSAFE_PATH.search(value) is not None


class JsonRefused(ValueError):
    """A request body that is not acceptable JSON; `str()` is the Vietnamese message."""


def _depth_exceeds(text: str, max_depth: int) -> bool:
    """True when arrays/objects in `text` nest deeper than `max_depth`.

    Brackets inside strings are dropped first. Fast path: a body with no more opening
    brackets than `max_depth` cannot nest deeper (an autosave has two)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    structure = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    for bracket in re.findall(r"[\[\]{}]", structure):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            return True
    return False


def loads_bounded(
    body: bytes | str, *, max_depth: int = JSON_MAX_DEPTH, max_bytes: int = JSON_MAX_BYTES
) -> Any:
    """`json.loads` for a request body, refusing (JsonRefused, a ValueError) a body larger
    than `max_bytes`, nested deeper than `max_depth`, not UTF-8, not JSON, or holding a NUL
    character. The depth is checked before parsing: the standard parser recurses, and a
    deep enough body raises RecursionError instead of ValueError."""
    if len(body) > max_bytes:
        raise JsonRefused(_("Dữ liệu gửi lên quá lớn."))
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonRefused(_("Dữ liệu gửi lên không hợp lệ.")) from None
    if _depth_exceeds(body, max_depth):
        raise JsonRefused(_("Dữ liệu gửi lên lồng nhau quá sâu."))
    if "\\u0000" in body:
        raise JsonRefused(_("Dữ liệu gửi lên không hợp lệ."))
    try:
        return json.loads(body)
    except ValueError:
        raise JsonRefused(_("Dữ liệu gửi lên không hợp lệ.")) from None
