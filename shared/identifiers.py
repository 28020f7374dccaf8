"""The platform's identifiers: the unified social credit code (统一社会信用代码, GB 32100-2015:
check, validate, generate) and the application ids intake issues.

Layout of the 18 characters (1-based positions):

* 1      registering authority (e.g. ``9`` = market regulation / industry and commerce)
* 2      entity type within that authority (e.g. ``1`` = enterprise)
* 3-8    administrative region code of the registering office (GB/T 2260, digits)
* 9-17   organisation code (GB 11714 body of 8 characters plus its own check character)
* 18     check character over positions 1-17

Only the position-18 check character is enforced. The GB 11714 check character at
position 17 is deliberately *not* validated: GB 32100 requires only its own check
character to be verified, and codes re-issued from legacy organisation codes do not
reliably satisfy GB 11714, so enforcing it would reject genuine enterprises.
"""

from __future__ import annotations

import random
import secrets
import uuid
from typing import Annotated, Final

from annotated_types import MaxLen
from pydantic import AfterValidator, BeforeValidator

from shared.rules.model import Category

__all__ = [
    "ALPHABET",
    "CATEGORY_LETTER",
    "CREDIT_CODE_LENGTH",
    "CreditCode",
    "credit_code_check_char",
    "credit_code_problem",
    "make_credit_code",
    "new_application_id",
    "validate_credit_code",
]

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters GB 32100 allows, in value order (value = index)."""

CREDIT_CODE_LENGTH: Final = 18

_VALUES: Final = {ch: i for i, ch in enumerate(ALPHABET)}
_MODULUS: Final = len(ALPHABET)  # 31
# Weight for position i (0-based) is 3^i mod 31, as tabulated in GB 32100-2015.
_WEIGHTS: Final = tuple(pow(3, i, _MODULUS) for i in range(CREDIT_CODE_LENGTH - 1))


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a code.

    ``first17`` must be exactly 17 characters from :data:`ALPHABET` (upper case);
    otherwise :class:`ValueError` is raised naming the problem.
    """
    if len(first17) != CREDIT_CODE_LENGTH - 1:
        raise ValueError(
            f"need {CREDIT_CODE_LENGTH - 1} characters to compute the check character, "
            f"got {len(first17)}"
        )
    total = 0
    for pos, (ch, weight) in enumerate(zip(first17, _WEIGHTS, strict=True), start=1):
        value = _VALUES.get(ch)
        if value is None:
            raise ValueError(f"bad character {ch!r} at position {pos}")
        total += value * weight
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def credit_code_problem(code: str) -> str | None:
    """Return ``None`` if ``code`` is a valid credit code, else a short English reason.

    The code is checked exactly as given (no stripping or case folding); callers that
    accept user input should normalise first, as :data:`CreditCode` does. Reasons are
    one of: wrong length, bad character at position N (1-based), region code (positions
    3-8) not digits, or wrong check character with the expected one.
    """
    if len(code) != CREDIT_CODE_LENGTH:
        return f"wrong length: expected {CREDIT_CODE_LENGTH} characters, got {len(code)}"
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUES:
            return f"bad character {ch!r} at position {pos}"
    if not code[2:8].isdigit():
        return "region code (positions 3-8) must be 6 digits"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"wrong check character: expected {expected}, got {code[17]}"
    return None


def validate_credit_code(value: str) -> str:
    """Normalise (strip, upper-case) and validate; return the code or raise ValueError.

    The ValueError message is the reason from :func:`credit_code_problem`, so a
    pydantic model (and FastAPI on top of it) reports it against the field name.
    """
    code = value.strip().upper()
    problem = credit_code_problem(code)
    if problem is not None:
        raise ValueError(f"invalid unified social credit code: {problem}")
    return code


def _require_str(value: object) -> object:
    # Rejecting non-strings here keeps pydantic from coercing e.g. ints into codes.
    if not isinstance(value, str):
        raise ValueError("unified social credit code must be a string")
    return value


CreditCode = Annotated[
    str, BeforeValidator(_require_str), MaxLen(64), AfterValidator(validate_credit_code)
]
"""Pydantic field type: a normalised, valid GB 32100 unified social credit code."""


def make_credit_code(rng: random.Random, region_code: str, entity_type: str = "91") -> str:
    """Generate a random valid credit code for tests and simulation.

    ``region_code`` must be 6 digits (a GB/T 2260 code; not checked against the region
    table so internal codes such as the Corps' work too); ``entity_type`` is positions
    1-2 (``"91"`` = enterprise registered by market regulation). The organisation code
    part is random and not GB 11714-consistent (see the module docstring). The result
    is deterministic for a seeded ``rng``.
    """
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if len(entity_type) != 2 or any(ch not in _VALUES for ch in entity_type):
        raise ValueError(f"entity_type must be 2 code characters, got {entity_type!r}")
    org = "".join(rng.choice(ALPHABET) for _ in range(9))
    first17 = entity_type + region_code + org
    return first17 + credit_code_check_char(first17)


# ----------------------------------------------------------------------------- application ids

CATEGORY_LETTER: Final = {
    Category.GREEN_FACTORY: "F",
    Category.GREEN_DESIGN_PRODUCT: "D",
    Category.GREEN_PARK: "P",
    Category.GREEN_SUPPLY_CHAIN: "S",
}
# Crockford-style alphabet: no I, L, O, U, so a number read over the phone is unambiguous.
_APPLICATION_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_application_id(batch: str, region: str, category: Category) -> str:
    """`{batch}-{region}-{F|D|P|S}{6 chars}`, e.g. `2020-5-110000-F7K3QX9`."""
    suffix = "".join(secrets.choice(_APPLICATION_ALPHABET) for _ in range(6))
    return f"{batch}-{region}-{CATEGORY_LETTER[category]}{suffix}"
# ----------------------------------------------------------------------------- agency's ids
# Kept in a block of their own (intake's ids have theirs). Opaque on purpose: an engagement,
# spot check or finding id tells nothing and cannot be guessed from another.

__all__ += ["new_engagement_id", "new_finding_id", "new_spot_check_id"]


def new_engagement_id() -> str:
    return uuid.uuid4().hex


def new_spot_check_id() -> str:
    return uuid.uuid4().hex


def new_finding_id() -> str:
    return uuid.uuid4().hex
