"""Rule sets of the Green Manufacturing List, one YAML file per batch.

Bundled rule sets live in ``shared/rules/sets/{code}.yaml`` (package data); adding a
batch means adding a file there, no code. Files outside the package (e.g. a draft for
next year) load with :func:`load_rule_set_file`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Final

import yaml
from pydantic import ValidationError

from shared.rules.model import Category, RuleSet

__all__ = [
    "Category",
    "RuleSet",
    "RuleSetError",
    "available_rule_sets",
    "load_rule_set",
    "load_rule_set_file",
]

_PACKAGE: Final = "shared.rules"
_SETS_DIR: Final = "sets"
_SUFFIX: Final = ".yaml"
# Rule set codes become file names; restricting them rules out path traversal, and bounding
# them a file name the file system refuses (ENAMETOOLONG).
_CODE_RE: Final = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")


class RuleSetError(ValueError):
    """A rule set file is missing, not valid YAML, or fails validation.

    The message names the file and, for validation failures, every offending field
    by its dotted path (e.g. ``agency.max_projects_per_group``).
    """


def available_rule_sets() -> list[str]:
    """Codes of the bundled rule sets, sorted (e.g. ``["2020-5"]``)."""
    root = resources.files(_PACKAGE).joinpath(_SETS_DIR)
    return sorted(
        entry.name[: -len(_SUFFIX)]
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def load_rule_set(code: str, extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """Load and validate the rule set ``code``: ``{dir}/{code}.yaml`` from the first of
    ``extra_dirs`` that has it (settings.rule_set_dirs), else the bundled
    ``sets/{code}.yaml``.

    Raises :class:`RuleSetError` if there is no such file, it is invalid, or the
    ``code`` inside the file differs from the file name.
    """
    if not _CODE_RE.match(code):
        raise RuleSetError(f"invalid rule set code {code!r}")
    for folder in extra_dirs:
        path = Path(folder) / f"{code}{_SUFFIX}"
        if path.is_file():
            found = load_rule_set_file(path)
            if found.code != code:
                raise RuleSetError(f"{path}: field 'code' is {found.code!r}, expected {code!r}")
            return found
    resource = resources.files(_PACKAGE).joinpath(_SETS_DIR).joinpath(code + _SUFFIX)
    label = f"shared/rules/{_SETS_DIR}/{code}{_SUFFIX}"
    if not resource.is_file():
        raise RuleSetError(
            f"no rule set {code!r} ({label} not found); available: {available_rule_sets()}"
        )
    rule_set = _parse(resource.read_text(encoding="utf-8"), label)
    if rule_set.code != code:
        raise RuleSetError(f"{label}: field 'code' is {rule_set.code!r}, expected {code!r}")
    return rule_set


def load_rule_set_file(path: str | Path) -> RuleSet:
    """Load and validate a rule set from any YAML file; raises :class:`RuleSetError`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleSetError(f"{file}: cannot read rule set file: {exc}") from exc
    return _parse(text, str(file))


def _parse(text: str, label: str) -> RuleSet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{label}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleSetError(f"{label}: expected a mapping at the top level")
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(_describe(exc, label)) from exc


def _describe(exc: ValidationError, label: str) -> str:
    lines = [f"{label}: invalid rule set ({exc.error_count()} error(s))"]
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  field {field}: {error['msg']}")
    return "\n".join(lines)
