DROP TRIGGER workspace_membership_changed ON core.workspace_membership;
DROP FUNCTION core.notify_membership_change();
