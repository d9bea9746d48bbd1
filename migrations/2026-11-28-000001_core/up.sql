-- The fixed core schema: workspaces, users, credentials, metadata, webhooks and the event outbox.
-- Each workspace's records live in a schema of their own, created at run time from its metadata.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE core.workspace (
    id               uuid PRIMARY KEY,
    display_name     text NOT NULL,
    schema_name      text NOT NULL UNIQUE,
    metadata_version bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE core."user" (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    password_hash text NOT NULL,
    first_name    text NOT NULL DEFAULT '',
    last_name     text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_email_key ON core."user" (lower(email));

CREATE TABLE core.workspace_membership (
    workspace_id        uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    user_id             uuid NOT NULL REFERENCES core."user" (id) ON DELETE CASCADE,
    role                text NOT NULL DEFAULT 'ADMIN',
    workspace_member_id uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_membership_user_idx ON core.workspace_membership (user_id);

CREATE TABLE core.api_key (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    name         text NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_key_workspace_idx ON core.api_key (workspace_id);

CREATE TABLE core.refresh_token (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES core."user" (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    -- All tokens issued from one login share a family; reuse of a rotated token revokes the family.
    family_id    uuid NOT NULL,
    token_hash   text NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    replaced_by  uuid,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_family_idx ON core.refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON core.refresh_token (user_id);

CREATE TABLE core.object_metadata (
    id             uuid PRIMARY KEY,
    workspace_id   uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    name_singular  text NOT NULL,
    name_plural    text NOT NULL,
    label_singular text NOT NULL,
    label_plural   text NOT NULL,
    description    text,
    icon           text,
    is_custom      boolean NOT NULL,
    is_active      boolean NOT NULL DEFAULT true,
    is_system      boolean NOT NULL DEFAULT false,
    table_name     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name_singular),
    UNIQUE (workspace_id, name_plural),
    UNIQUE (workspace_id, table_name)
);

CREATE TABLE core.field_metadata (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    object_id     uuid NOT NULL REFERENCES core.object_metadata (id) ON DELETE CASCADE,
    name          text NOT NULL,
    label         text NOT NULL,
    field_type    text NOT NULL,
    description   text,
    icon          text,
    is_custom     boolean NOT NULL,
    is_active     boolean NOT NULL DEFAULT true,
    is_system     boolean NOT NULL DEFAULT false,
    is_nullable   boolean NOT NULL DEFAULT true,
    is_unique     boolean NOT NULL DEFAULT false,
    default_value jsonb,
    options       jsonb,
    settings      jsonb,
    -- Definition order within the object.
    ordinal       integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (object_id, name)
);
CREATE INDEX field_metadata_workspace_idx ON core.field_metadata (workspace_id);

CREATE TABLE core.relation_metadata (
    id             uuid PRIMARY KEY,
    workspace_id   uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    relation_type  text NOT NULL,
    from_object_id uuid NOT NULL REFERENCES core.object_metadata (id) ON DELETE CASCADE,
    to_object_id   uuid NOT NULL REFERENCES core.object_metadata (id) ON DELETE CASCADE,
    from_field_id  uuid NOT NULL REFERENCES core.field_metadata (id) ON DELETE CASCADE,
    to_field_id    uuid NOT NULL REFERENCES core.field_metadata (id) ON DELETE CASCADE,
    on_delete      text NOT NULL DEFAULT 'SET_NULL',
    join_column    text,
    junction_table text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX relation_metadata_workspace_idx ON core.relation_metadata (workspace_id);

CREATE TABLE core.webhook (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    target_url   text NOT NULL,
    operation    text NOT NULL,
    description  text,
    secret       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_workspace_idx ON core.webhook (workspace_id);

-- Written in the same statement or transaction as the record change it describes.
CREATE TABLE core.event_outbox (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id   uuid NOT NULL REFERENCES core.workspace (id) ON DELETE CASCADE,
    event          text NOT NULL,
    object_name    text NOT NULL,
    record_id      uuid NOT NULL,
    payload        jsonb NOT NULL,
    updated_fields text[],
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Set when every matching webhook has been handed the event.
    dispatched_at  timestamptz
);
CREATE INDEX event_outbox_pending_idx ON core.event_outbox (created_at) WHERE dispatched_at IS NULL;
CREATE INDEX event_outbox_workspace_idx ON core.event_outbox (workspace_id, created_at);
