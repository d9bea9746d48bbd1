DROP TRIGGER IF EXISTS api_key_changed ON core.api_key;
DROP TRIGGER IF EXISTS workspace_changed ON core.workspace;
DROP FUNCTION IF EXISTS core.notify_change();
