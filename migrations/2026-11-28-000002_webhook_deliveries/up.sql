-- One row per (event, webhook): the delivery attempts of an outbox event to one subscription.
CREATE TABLE core.webhook_delivery (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id    uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    webhook_id      uuid NOT NULL REFERENCES core.webhook (id) ON DELETE CASCADE,
    event_id        uuid NOT NULL REFERENCES core.event_outbox (id) ON DELETE CASCADE,
    event           text NOT NULL,
    -- pending, succeeded or failed (attempts exhausted)
    status          text NOT NULL DEFAULT 'pending',
    attempt         integer NOT NULL DEFAULT 0,
    http_status     integer,
    error           text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, webhook_id)
);
CREATE INDEX webhook_delivery_due_idx ON core.webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_webhook_idx ON core.webhook_delivery (webhook_id, created_at);
