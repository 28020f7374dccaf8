"""Rule sets by code, read and validated once per process (each service keeps one book)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from shared.rules import RuleSet, available_rule_sets, load_rule_set

_BATCH_CODE = re.compile(r"^\d{4}-\d+$")


class RuleBook:
    """Rule sets by code: files `{code}.yaml` in `extra_dirs` (settings.rule_set_dirs) first,
    then the bundled ones. A file whose `code` differs from its name is refused."""

    def __init__(self, extra_dirs: Sequence[Path] = ()) -> None:
        self._dirs = list(extra_dirs)
        self._sets: dict[str, RuleSet] = {}

    def get(self, code: str) -> RuleSet:
        """The rule set `code`; `shared.rules.RuleSetError` when there is none or it is invalid."""
        if code not in self._sets:
            self._sets[code] = load_rule_set(code, self._dirs)
        return self._sets[code]

    def codes(self) -> list[str]:
        """Every rule set code this book can load, sorted."""
        extra = {p.stem for folder in self._dirs if folder.is_dir() for p in folder.glob("*.yaml")}
        return sorted(extra | set(available_rule_sets()))

    def current(self) -> RuleSet:
        """The newest bundled batch rule set (`YYYY-N`, not `demo`): what a registration is
        assessed against before any engagement names a batch."""
        batches = [c for c in available_rule_sets() if _BATCH_CODE.match(c)]
        return self.get(max(batches, key=lambda c: tuple(int(x) for x in c.split("-"))))
