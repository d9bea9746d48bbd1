//! Diesel definitions of the fixed core tables (see `migrations/`).

diesel::table! {
    core.workspace (id) {
        id -> Uuid,
        display_name -> Text,
        schema_name -> Text,
        metadata_version -> BigInt,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    core.object_metadata (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        name_singular -> Text,
        name_plural -> Text,
        label_singular -> Text,
        label_plural -> Text,
        description -> Nullable<Text>,
        icon -> Nullable<Text>,
        is_custom -> Bool,
        is_active -> Bool,
        is_system -> Bool,
        table_name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    // Explicit imports: diesel's glob would clash with the `is_nullable` column.
    use diesel::sql_types::{Bool, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid};

    core.field_metadata (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        object_id -> Uuid,
        name -> Text,
        label -> Text,
        field_type -> Text,
        description -> Nullable<Text>,
        icon -> Nullable<Text>,
        is_custom -> Bool,
        is_active -> Bool,
        is_system -> Bool,
        is_nullable -> Bool,
        is_unique -> Bool,
        default_value -> Nullable<Jsonb>,
        options -> Nullable<Jsonb>,
        settings -> Nullable<Jsonb>,
        ordinal -> Integer,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    core.relation_metadata (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        relation_type -> Text,
        from_object_id -> Uuid,
        to_object_id -> Uuid,
        from_field_id -> Uuid,
        to_field_id -> Uuid,
        on_delete -> Text,
        join_column -> Nullable<Text>,
        junction_table -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    core.event_outbox (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        event -> Text,
        object_name -> Text,
        record_id -> Uuid,
        payload -> Jsonb,
        updated_fields -> Nullable<Array<Text>>,
        created_at -> Timestamptz,
        dispatched_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    core.user (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        first_name -> Text,
        last_name -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    core.workspace_membership (workspace_id, user_id) {
        workspace_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        workspace_member_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    core.api_key (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        name -> Text,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    core.refresh_token (id) {
        id -> Uuid,
        user_id -> Uuid,
        workspace_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        replaced_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    core.webhook (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        target_url -> Text,
        operation -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    core.webhook_delivery (id) {
        id -> Uuid,
        workspace_id -> Uuid,
        webhook_id -> Uuid,
        event_id -> Uuid,
        event -> Text,
        status -> Text,
        attempt -> Integer,
        http_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        next_attempt_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    webhook_delivery,
    webhook,
    workspace,
    object_metadata,
    field_metadata,
    relation_metadata,
    event_outbox,
    user,
    workspace_membership,
    api_key,
    refresh_token
);
