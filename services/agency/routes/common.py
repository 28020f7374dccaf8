"""What more than one of agency's route modules needs: the rule set governing a batch, and
today's date where it applies."""

from __future__ import annotations

from datetime import date

from temporalio.client import Client
from temporalio.service import RPCError

from shared.db import utcnow
from shared.errors import ErrorCode
from shared.http import ApiError
from shared.rules import RuleSet, RuleSetError
from shared.rules.book import RuleBook
from workflows import handles
from workflows.batch.workflow import BatchWorkflow


def today(rules: RuleSet) -> date:
    return utcnow().astimezone(rules.zone).date()


async def rule_set_of_batch(temporal: Client, rules: RuleBook, batch: str) -> RuleSet:
    """The rule set governing `batch`, as its workflow knows it; the batch code itself when
    the workflow cannot be asked."""
    code = batch
    try:
        code = (await handles.batch(temporal, batch).query(BatchWorkflow.view)).rule_set
    except RPCError:
        pass
    try:
        return rules.get(code)
    except RuleSetError as err:
        raise ApiError(ErrorCode.INVALID, f"no rule set for batch {batch}: {err}",
                       f"找不到第{batch}批适用的规则集", field="batch") from err
