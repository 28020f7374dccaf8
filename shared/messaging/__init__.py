"""RabbitMQ plumbing: topology, the transactional outbox and its relay, idempotent consumers."""
