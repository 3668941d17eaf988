-- Discovery details: which scan first saw a patch (the "newly discovered" digest), and per-host
-- scan facts that are not patches: the reboot flag, the OS as the host names itself, installed
-- update ids (Windows KBs), and how many patches the scan found missing.
alter table patches add column first_scan_id text;
create index patches_first_scan on patches (first_scan_id);

alter table host_scans add column reboot_required boolean;
alter table host_scans add column os_name text;
alter table host_scans add column installed text[] not null default '{}';
alter table host_scans add column missing_count integer;
alter table host_scans add column warnings text[] not null default '{}';
