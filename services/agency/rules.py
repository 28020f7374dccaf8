"""Rule sets the agency service needs, each read and validated once per process.

Which rule set governs a batch is the batch's business: the engagement records it when it
is created, from the batch's workflow (`BatchView.rule_set`). When that workflow cannot be
asked, the batch code is taken as the rule set code (they coincide for real batches, e.g.
2020-5). TODO: learn batch → rule set from an `intake.batch.opened` event once intake
announces it, instead of asking the workflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shared.rules import RuleSet, available_rule_sets, load_rule_set


class RuleBook:
    """Rule sets by code, loaded lazily and kept for the life of the process."""

    def __init__(self, extra_dirs: Sequence[Path] = ()) -> None:
        self._dirs = list(extra_dirs)
        self._sets: dict[str, RuleSet] = {}

    def get(self, code: str) -> RuleSet:
        """The rule set `code`; raises `shared.rules.RuleSetError` if there is none."""
        if code not in self._sets:
            self._sets[code] = load_rule_set(code, self._dirs)
        return self._sets[code]

    def current(self) -> RuleSet:
        """The newest bundled rule set: the one a registration is assessed against before
        any engagement names a batch."""
        return self.get(available_rule_sets()[-1])
