"""Mail out of the outbox (发信): transports, the delivery worker, per-thread ordering, the queue's
problems as administrators see them. Messages are built and queued by ``services.outbox``."""
