"""A background loop that drains work in rounds: woken right after a commit that added work,
polling otherwise (for work added elsewhere or waiting out a backoff)."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


class DrainLoop:
    """Subclasses implement `drain()`, returning how many items a round handled; a full
    round (`batch_size`) is followed at once by another."""

    def __init__(self, *, poll_seconds: float, batch_size: int) -> None:
        self._poll = poll_seconds
        self._batch = batch_size
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask for a round now instead of at the next poll (call after a commit)."""
        self._wake.set()

    async def drain(self) -> int:
        raise NotImplementedError

    async def run(self) -> None:
        while True:
            try:
                done = await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # the broker or the database is away: the work stays, try again
                log.exception("%s round failed; retrying", type(self).__name__)
                done = 0
            if done < self._batch:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
                except TimeoutError:
                    pass
                self._wake.clear()
