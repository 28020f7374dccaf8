"""Rule sets by code, read and validated once per process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shared.rules import (
    RuleSet,
    available_rule_sets,
    load_rule_set,
)


class RuleBook:
    """Rule sets by code: files `{code}.yaml` in `extra_dirs` (settings.rule_set_dirs) first,
    then the bundled ones. A file whose `code` differs from its name is refused."""

    def __init__(self, extra_dirs: Sequence[Path] = ()) -> None:
        self._dirs = list(extra_dirs)
        self._sets: dict[str, RuleSet] = {}

    def get(self, code: str) -> RuleSet:
        """The rule set `code`; RuleSetError when there is none or it is invalid."""
        if code not in self._sets:
            self._sets[code] = self._load(code)
        return self._sets[code]

    def _load(self, code: str) -> RuleSet:
        return load_rule_set(code, self._dirs)

    def codes(self) -> list[str]:
        """Every rule set code this book can load, sorted."""
        extra = {p.stem for folder in self._dirs if folder.is_dir() for p in folder.glob("*.yaml")}
        return sorted(extra | set(available_rule_sets()))
