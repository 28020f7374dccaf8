"""Tests for shared.identifiers (GB 32100 unified social credit codes)."""

import random

import pytest
from pydantic import BaseModel, ValidationError

from shared.identifiers import (
    ALPHABET,
    CreditCode,
    credit_code_check_char,
    credit_code_problem,
    make_credit_code,
)


class Applicant(BaseModel):
    credit_code: CreditCode


def test_alphabet_has_31_chars_without_ioszv() -> None:
    assert len(ALPHABET) == 31
    assert len(set(ALPHABET)) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "9144030071526726XG"])
def test_known_valid_codes(code: str) -> None:
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


def test_wrong_check_character_names_expected() -> None:
    problem = credit_code_problem("91350100M000100Y4A")
    assert problem is not None
    assert "wrong check character" in problem
    assert "expected 3" in problem


def test_wrong_length() -> None:
    problem = credit_code_problem("91350100M000100Y4")
    assert problem is not None and "wrong length" in problem


@pytest.mark.parametrize(("code", "pos"), [("91350100M00010OY43", 15), ("I1350100M000100Y43", 1)])
def test_bad_character_position(code: str, pos: int) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert "bad character" in problem and f"position {pos}" in problem


def test_lower_case_is_bad_without_normalisation() -> None:
    assert credit_code_problem("9144030071526726xg") is not None


def test_region_code_must_be_digits() -> None:
    first17 = "9135A100M000100Y4"
    code = first17 + credit_code_check_char(first17)
    problem = credit_code_problem(code)
    assert problem is not None and "region code" in problem


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        credit_code_check_char("123")
    with pytest.raises(ValueError, match="position 3"):
        credit_code_check_char("91O50100M000100Y4")


def test_pydantic_type_normalises() -> None:
    assert Applicant(credit_code="  9144030071526726xg ").credit_code == "9144030071526726XG"


def test_pydantic_type_error_names_field_and_reason() -> None:
    with pytest.raises(ValidationError) as info:
        Applicant(credit_code="91350100M000100Y4A")
    errors = info.value.errors()
    assert errors[0]["loc"] == ("credit_code",)
    assert "expected 3" in errors[0]["msg"]


def test_pydantic_type_rejects_non_string() -> None:
    with pytest.raises(ValidationError):
        Applicant(credit_code=914403007152672)


def test_make_credit_code_is_valid_and_deterministic() -> None:
    rng = random.Random(42)
    codes = [make_credit_code(rng, "440300") for _ in range(200)]
    assert all(credit_code_problem(c) is None for c in codes)
    assert all(c.startswith("91440300") for c in codes)
    assert len(set(codes)) == len(codes)
    assert make_credit_code(random.Random(7), "110000") == make_credit_code(
        random.Random(7), "110000"
    )


def test_make_credit_code_entity_type_and_corps_region() -> None:
    code = make_credit_code(random.Random(1), "660000", entity_type="12")
    assert code.startswith("12660000")
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(("region", "entity"), [("11000", "91"), ("11000A", "91"), ("110000", "9")])
def test_make_credit_code_rejects_bad_arguments(region: str, entity: str) -> None:
    with pytest.raises(ValueError):
        make_credit_code(random.Random(0), region, entity_type=entity)


def test_every_single_character_change_is_detected() -> None:
    code = "9144030071526726XG"
    for pos in range(18):
        for ch in ALPHABET:
            if ch == code[pos]:
                continue
            changed = code[:pos] + ch + code[pos + 1 :]
            if not changed[2:8].isdigit():
                continue
            assert credit_code_problem(changed) is not None, changed
