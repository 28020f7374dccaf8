"""The shared bounds: codes, dates and text refused or normalised with bilingual messages."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.contracts.bounds import (
    INT64_MAX,
    BatchCode,
    FreeText,
    Name,
    Offset,
    SaneDate,
    Seed,
)


def refusal(kind: Any, value: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value)
    return dict(caught.value.errors()[0])


def test_integers_stop_at_64_bits() -> None:
    assert TypeAdapter(Offset).validate_python(INT64_MAX) == INT64_MAX
    assert refusal(Offset, INT64_MAX + 1)["type"] == "less_than_equal"
    assert refusal(Seed, -1)["type"] == "greater_than_equal"


def test_dates_outside_1900_to_2200_are_refused() -> None:
    error = refusal(SaneDate, "0001-01-01")
    assert error["type"] == "date_range" and "1900" in error["ctx"]["message_zh"]
    assert str(TypeAdapter(SaneDate).validate_python("2026-12-02")) == "2026-12-02"


@pytest.mark.parametrize("code", ["../../x", "", "-1", "a" * 33, "2020 5", "批次"])
def test_batch_codes_are_codes(code: str) -> None:
    assert refusal(BatchCode, code)["type"] in {"batch_code", "string_too_long"}


@pytest.mark.parametrize("text", ["a\x00b", "a\x01b", "\u202eabc", "a\u200bb", "\ufeffa",
                                  "a\u2028b", "a\nb", "a\tb"])
def test_names_refuse_invisible_and_control_characters(text: str) -> None:
    error = refusal(Name, text)
    assert error["type"] == "text_character"
    assert f"U+{ord(next(c for c in text if c not in 'ab')):04X}" in error["msg"]
    assert "不允许" in error["ctx"]["message_zh"]


def test_names_are_kept_exactly_but_in_nfc() -> None:
    assert TypeAdapter(Name).validate_python("示例（集团）有限公司，Ａ") == "示例（集团）有限公司，Ａ"
    assert TypeAdapter(Name).validate_python("Cafe\u0301") == "Caf\u00e9"


def test_free_text_keeps_new_lines_and_tabs() -> None:
    assert TypeAdapter(FreeText).validate_python("一\r\n二\t三") == "一\n二\t三"
    assert refusal(FreeText, "a\x00b")["type"] == "text_character"
