-- Change notifications: every server process keeps API-key state and each workspace's metadata version in memory
-- and drops an entry when PostgreSQL says it changed. The triggers send the notification in the same transaction
-- as the change (delivered at commit), whoever makes it: a server process, the CLI or plain SQL.
-- Channel `twenty_changes`, payload `<kind>:<uuid>` with kind `workspace` or `api_key`.
CREATE FUNCTION core.notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_id uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_id := OLD.id;
    ELSE
        row_id := NEW.id;
    END IF;
    PERFORM pg_notify('twenty_changes', TG_ARGV[0] || ':' || row_id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER workspace_changed
    AFTER UPDATE OF metadata_version OR DELETE ON core.workspace
    FOR EACH ROW EXECUTE FUNCTION core.notify_change('workspace');

CREATE TRIGGER api_key_changed
    AFTER UPDATE OR DELETE ON core.api_key
    FOR EACH ROW EXECUTE FUNCTION core.notify_change('api_key');

-- Sort indexes (see storage's `ddl::sort_indexes`): the default order `position ASC NULLS FIRST, id ASC NULLS FIRST`
-- was indexed as `(position, id)`, which PostgreSQL cannot use for NULLS FIRST; newest-first `createdAt DESC NULLS
-- LAST, id` had no index; standard `task.dueAt` is now indexed (`settings.isIndexed`). Existing tables get them here.
DO $$
DECLARE
    o record;
    tbl text;
    simple text;
BEGIN
    FOR o IN
        SELECT w.schema_name, m.table_name, m.id
        FROM core.object_metadata m JOIN core.workspace w ON w.id = m.workspace_id
    LOOP
        tbl := format('%I.%I', o.schema_name, o.table_name);
        simple := replace(o.id::text, '-', '');
        EXECUTE format('DROP INDEX IF EXISTS %I.%I', o.schema_name, 'pos_' || simple);
        EXECUTE format('CREATE INDEX %I ON %s ("position" ASC NULLS FIRST, "id" ASC NULLS FIRST)', 'pos_' || simple, tbl);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s ("createdAt" DESC NULLS LAST, "id" ASC NULLS FIRST)',
                       'crt_' || simple, tbl);
    END LOOP;
    FOR o IN
        SELECT w.schema_name, m.table_name, f.id
        FROM core.field_metadata f
        JOIN core.object_metadata m ON m.id = f.object_id
        JOIN core.workspace w ON w.id = m.workspace_id
        WHERE m.name_singular = 'task' AND NOT m.is_custom AND f.name = 'dueAt'
    LOOP
        UPDATE core.field_metadata SET settings = COALESCE(settings, '{}'::jsonb) || '{"isIndexed": true}'
        WHERE id = o.id;
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ("dueAt" ASC NULLS LAST, "id" ASC NULLS FIRST)',
                       'fx_' || replace(o.id::text, '-', ''), o.schema_name, o.table_name);
    END LOOP;
END;
$$;
