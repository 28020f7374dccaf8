"""One durable topic exchange for facts; a quorum queue per consumer with its dead-letter queue."""

from __future__ import annotations

from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

EXCHANGE = "greenlist.events"
DEAD_LETTER_EXCHANGE = "greenlist.dead-letter"
# A message that fails this many deliveries is parked in the consumer's dead-letter queue
# instead of looping; quorum queues count deliveries themselves (x-delivery-count).
DELIVERY_LIMIT = 5


@dataclass(frozen=True)
class Topology:
    """Names of the broker objects, prefixed so test runs never touch a live platform's."""

    prefix: str = ""

    @property
    def exchange(self) -> str:
        return f"{self.prefix}{EXCHANGE}"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.prefix}{DEAD_LETTER_EXCHANGE}"

    def queue(self, consumer: str) -> str:
        return f"{self.prefix}greenlist.{consumer}"

    def dead_letter_queue(self, consumer: str) -> str:
        return f"{self.queue(consumer)}.dlq"

    async def declare_exchange(self, channel: AbstractChannel) -> AbstractExchange:
        return await channel.declare_exchange(
            self.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )

    async def declare_consumer_queue(
        self, channel: AbstractChannel, consumer: str, bindings: list[str]
    ) -> AbstractQueue:
        """Declare (idempotently) a consumer's quorum queue, its bindings and its DLQ."""
        exchange = await self.declare_exchange(channel)
        dlx = await channel.declare_exchange(
            self.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        dlq = await channel.declare_queue(
            self.dead_letter_queue(consumer), durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dlq.bind(dlx, routing_key=self.dead_letter_queue(consumer))
        # Queue arguments rather than a policy keep the embedded setup self-contained; a
        # production broker may add a policy on top (policies win over nothing, lose to args).
        queue = await channel.declare_queue(
            self.queue(consumer),
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": DELIVERY_LIMIT,
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.dead_letter_queue(consumer),
            },
        )
        for key in bindings:
            await queue.bind(exchange, routing_key=key)
        return queue
