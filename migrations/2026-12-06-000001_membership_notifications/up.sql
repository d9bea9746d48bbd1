-- Identity checks on every request (contract §10): each server process keeps every user's workspace memberships
-- in memory and drops them when PostgreSQL says they changed. A membership added, changed or removed (also by the
-- cascade of a deleted user or workspace) sends `user:<user_id>` on channel `twenty_changes`, in the transaction
-- of the change, whoever makes it.
CREATE FUNCTION core.notify_membership_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('twenty_changes', 'user:' || OLD.user_id::text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('twenty_changes', 'user:' || NEW.user_id::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER workspace_membership_changed
    AFTER INSERT OR UPDATE OR DELETE ON core.workspace_membership
    FOR EACH ROW EXECUTE FUNCTION core.notify_membership_change();
