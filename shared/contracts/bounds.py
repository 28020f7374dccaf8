"""Bounds on what a request may carry, in one place: every integer, string and date a path,
a query or a body takes is one of these types (or bounded where it is declared).

Why: an unbounded integer reaches the database and fails there (`Python int too large to
convert to SQLite INTEGER`, `value out of int64 range`), a NUL byte is refused by PostgreSQL,
a lone surrogate cannot be encoded at all, a date of year 1 overflows date arithmetic, and
control, bidirectional and zero-width characters are shown and exported as they are. Each of
these would be a 500; here they are refusals with a bilingual message naming the field.

Pure (pydantic only): usable in contracts, routes and workflows alike.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Final

from annotated_types import Ge, Le, MaxLen
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

__all__ = [
    "INT64_MAX",
    "MAX_DATE",
    "MIN_DATE",
    "BatchCode",
    "Code",
    "Email",
    "FreeText",
    "Identifier",
    "Limit",
    "Name",
    "Offset",
    "RowId",
    "SaneDate",
    "SaneDatetime",
    "SearchText",
    "Seed",
    "ShortText",
    "Year",
    "bilingual_error",
    "clean_text",
    "is_batch_code",
    "text_problem",
]

INT64_MAX: Final = 2**63 - 1
MIN_DATE: Final = date(1900, 1, 1)
MAX_DATE: Final = date(2200, 12, 31)


def bilingual_error(kind: str, message_en: str, message_zh: str) -> PydanticCustomError:
    """A validation error whose `msg` is English and whose context holds the Chinese text
    (`shared.http` puts it in the refusal's `message_zh`)."""
    # Braces would be read as template fields by pydantic-core; a lone surrogate echoed from
    # the input would make the error itself unrenderable (a 500 instead of a 422).
    safe = _printable(message_en).replace("{", "(").replace("}", ")")
    return PydanticCustomError(kind, safe, {"message_zh": _printable(message_zh)})


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# ----------------------------------------------------------------------------- integers

RowId = Annotated[int, Ge(1), Le(INT64_MAX)]
"""A database row id (an objection, a report): what a 64-bit column holds."""
Offset = Annotated[int, Ge(0), Le(INT64_MAX)]
Limit = Annotated[int, Ge(1), Le(500)]
Seed = Annotated[int, Ge(0), Le(INT64_MAX)]
"""A random seed; recorded in a 64-bit column."""
Year = Annotated[int, Ge(1900), Le(2200)]


# ----------------------------------------------------------------------------- dates


def _sane_date(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise bilingual_error(
            "date_range", f"date must be between {MIN_DATE} and {MAX_DATE}",
            f"日期应在{MIN_DATE}至{MAX_DATE}之间",
        )
    return value


SaneDate = Annotated[date, AfterValidator(_sane_date)]
"""A calendar date the programme can mean (1900-2200): year 1 or 9999 would overflow the
arithmetic on it (a deadline, a ban's last day)."""


def _sane_instant(value: datetime) -> datetime:
    _sane_date(value.date())
    return value


SaneDatetime = Annotated[AwareDatetime, AfterValidator(_sane_instant)]
"""An instant with its offset, in 1900-2200 (`9999-12-31T23:59:59-08:00` is past year 9999 in
UTC, where timers are set)."""


# ----------------------------------------------------------------------------- codes and ids

_BATCH_RE: Final = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$")
# `*` is the ministry's and ops' scope (a contact of theirs is addressed by it).
_IDENTIFIER_RE: Final = re.compile(r"^(\*|[0-9A-Za-z][0-9A-Za-z_.:-]{0,99})$")


def is_batch_code(value: str) -> bool:
    return _BATCH_RE.match(value) is not None


def _batch_code(value: str) -> str:
    if not is_batch_code(value):
        raise bilingual_error(
            "batch_code",
            "a batch code is 1 to 32 letters, digits, '-' or '_', beginning with a letter or "
            "a digit (e.g. 2020-5)",
            "批次编号应为1至32位字母、数字、“-”或“_”，以字母或数字开头（例如2020-5）",
        )
    return value


def _identifier(value: str) -> str:
    if not _IDENTIFIER_RE.match(value):
        raise bilingual_error(
            "identifier",
            "an identifier is 1 to 100 letters, digits, '-', '_', '.' or ':'",
            "编号应为1至100位字母、数字或“-”“_”“.”“:”",
        )
    return value


BatchCode = Annotated[str, MaxLen(32), AfterValidator(_batch_code)]
"""A batch's code (`2020-5`): a path segment, a workflow id and a file name, so `../../x`
is refused."""
Code = BatchCode
"""A short code of the same shape (a rule set's code)."""
Identifier = Annotated[str, MaxLen(100), AfterValidator(_identifier)]
"""An id the platform issued (an application's, an engagement's, a credit code, a region)."""


# ----------------------------------------------------------------------------- text

# Format characters (Cf: bidirectional overrides, zero-width spaces and joiners, the BOM),
# surrogates (Cs: a lone `\ud800` cannot be encoded) and, outside free text, line and
# paragraph separators: invisible or misleading when shown, exported or compared.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_MULTILINE_ALLOWED: Final = frozenset({"\n", "\t"})


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` in NFC, or a bilingual refusal naming the first character that may not be in
    a name (control, format, bidirectional, zero-width, surrogate, NUL); free text may hold
    new lines and tabs (CR LF is read as LF). Otherwise kept exactly: full-width punctuation
    stays."""
    if multiline:
        value = value.replace("\r\n", "\n")
    for position, char in enumerate(value, start=1):
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            code = f"U+{ord(char):04X}"
            raise bilingual_error(
                "text_character",
                f"character {code} at position {position} is not allowed (control, format, "
                "bidirectional or zero-width characters, NUL and lone surrogates are refused)",
                f"第{position}个字符（{code}）不允许使用：不接受控制字符、格式字符、双向文字控制符、"
                "零宽字符、空字符（NUL）和孤立代理码位",
            )
    return unicodedata.normalize("NFC", value)


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, str] | None:
    """None if `clean_text` accepts `value`, else its reason in English and Chinese (for
    row-wise reports of an uploaded file)."""
    try:
        clean_text(value, multiline=multiline)
    except PydanticCustomError as err:
        return err.message(), str((err.context or {}).get("message_zh", err.message()))
    return None


def _one_line(value: str) -> str:
    return clean_text(value)


def _free(value: str) -> str:
    return clean_text(value, multiline=True)


Name = Annotated[str, MaxLen(200), AfterValidator(_one_line)]
"""A name (an enterprise's, a person's, a batch's title): one line, at most 200 characters."""
ShortText = Annotated[str, MaxLen(500), AfterValidator(_one_line)]
SearchText = Annotated[str, MaxLen(200), AfterValidator(_one_line)]
Email = Annotated[str, MaxLen(320), AfterValidator(_one_line)]
"""Only the characters are checked here (a NUL is refused by PostgreSQL); each use keeps its
own pattern, the mail server being the judge of deliverability."""
FreeText = Annotated[str, MaxLen(10_000), AfterValidator(_free)]
"""Free text (a reason, a finding, grounds): new lines and tabs allowed, at most 10,000."""
