"""What every service's activities share: one transaction idiom, one refusal path, one way to
register them with the service's worker.

An activity records a transition and the facts it announces in one transaction; the commit
wakes the outbox relay (and the service's loops) so the facts go out at once rather than at
the next poll. A refusal found on the way (`shared.errors.Refused`, raised by a repository or
a rule check) rolls the transaction back and reaches the workflow as the final, non-retryable
`shared.errors.refusal` of the same code, messages and field.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import Refused
from shared.rules.book import RuleBook

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

# Where `temporalio.activity.defn` keeps a function's activity definition.
_DEFINITION = "__temporal_activity_definition"


class ServiceActivities:
    """Base of each service's activity class. Subclasses declare `@activity.defn` methods
    (named by `shared.temporal.Activities`) and use `async with self.transaction() as session`
    for their writes; `register` hands every one of them to the worker."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        events_committed: Callable[[], None],
        rules: RuleBook,
    ) -> None:
        self._sessions = sessions
        self._events_committed = events_committed
        self._rules = rules

    @classmethod
    def from_runtime(cls, runtime: ServiceRuntime) -> Self:
        """The activities bound to a running service; override when more is needed."""
        return cls(runtime.sessions, runtime.events_committed, runtime.rules)

    @classmethod
    def register(cls, runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
        """`ServiceParts.activities` of the service: every activity, bound to the runtime."""
        return cls.from_runtime(runtime).methods()

    def methods(self) -> list[Callable[..., Any]]:
        """Every `@activity.defn` method, bound: a new activity cannot be left unregistered."""
        return [
            getattr(self, name)
            for name, member in inspect.getmembers(type(self), inspect.isfunction)
            if hasattr(member, _DEFINITION)
        ]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed when the block ends (then the relay is woken),
        rolled back on any error; a `Refused` becomes the final Temporal refusal."""
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except Refused as refused:
            raise refused.as_application_error() from None
        self._events_committed()
