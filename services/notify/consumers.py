"""The notification consumer: each routed fact becomes one notification per recipient (and an
email for those with a contact), written in the consumer's inbox transaction."""

from __future__ import annotations

import logging

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify import repository
from services.notify.messages import ROUTES, Renderer, recipients
from shared.contracts.events import EventEnvelope
from shared.labels import DEFAULT_LANGUAGE
from shared.messaging.consumer import Consumer

log = logging.getLogger(__name__)

CONSUMER_NAME = "notify.messages"


class Notifier:
    """The handler: works out recipients, renders in each one's language, stages the rows.

    It runs inside `ConsumerRunner.handle`'s transaction, after the inbox row is added: the
    notifications, their emails and the inbox row commit together, and the message is acked
    only after that commit. A redelivery (a duplicate publish, or a crash before the ack)
    finds the inbox row and changes nothing."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    async def __call__(self, session: AsyncSession, envelope: EventEnvelope) -> None:
        route = ROUTES.get(envelope.type)
        if route is None:
            return
        payload: BaseModel = envelope.payload_as(route.payload)
        for recipient in recipients(route, payload):
            contact = await repository.get_contact(session, recipient)
            language = contact.language if contact else DEFAULT_LANGUAGE
            rendered = self._renderer.render(
                route, payload, recipient=recipient, language=language,
                routing_key=envelope.type, occurred_at=envelope.occurred_at,
            )
            await repository.add_notification(
                session, event_id=envelope.id, routing_key=envelope.type, template=route.template,
                recipient=recipient, language=language, subject=rendered.subject,
                body=rendered.body, address=contact.email if contact else None,
            )


def build_consumer(renderer: Renderer) -> Consumer:
    consumer = Consumer(name=CONSUMER_NAME)
    handler = Notifier(renderer)
    for key in ROUTES:
        consumer.on(key)(handler)
    return consumer
