-- ITSM approvers are mapped to people by stable account ids (people[].jira: Jira accountId or
-- Data Center username; people[].servicenow: sys_user user_name), never by display name, which
-- Jira Cloud users can change themselves. Config stays the source of truth; these mirror it.
alter table people add column jira text;
alter table people add column servicenow text;
