-- A scan marked every open finding it no longer listed as installed. A package version the mirror
-- replaced before the host got it drops out the same way (the scan lists the newer version
-- instead), so `deb:libbar1@1.1-1` read as installed on a host still running 1.0-1 (review of
-- rollouts, finding 1). Such a finding is now `superseded` (not open, not installed), and names
-- the finding that superseded it: the writers (adapters/postgres/finding-close.ts) decide from the
-- version the host runs, which the apt scan reports beside each package it lists.
alter table findings add column superseded_by text;

-- Housekeeping prunes superseded findings with the installed ones, by age.
drop index findings_installed_changed_at;
create index findings_closed_changed_at on findings (changed_at) where state in ('installed', 'superseded');

-- Debian's version order (deb-version(7); dpkg's lib/dpkg/version.c, verrevcmp): `~` before
-- everything, even the end; then the end and digits; then letters; then the rest. Negative, 0 or
-- positive, as dpkg --compare-versions (test/postgres/deb-version-sql.test.ts checks it against
-- dpkg and the fleet simulator's order). Only closing findings whose package is listed again call it.
create function deb_version_order(c text) returns integer
language sql immutable strict parallel safe as $$
  select case when c = '' or c ~ '^[0-9]$' then 0 when c = '~' then -1 when c ~ '^[A-Za-z]$' then ascii(c) else ascii(c) + 256 end
$$;

create function deb_verrevcmp(a text, b text) returns integer
language plpgsql immutable strict parallel safe as $$
declare
  i integer := 1;
  j integer := 1;
  la integer := length(a);
  lb integer := length(b);
  d integer;
  first_diff integer;
begin
  while i <= la or j <= lb loop
    first_diff := 0;
    while (i <= la and substr(a, i, 1) !~ '^[0-9]$') or (j <= lb and substr(b, j, 1) !~ '^[0-9]$') loop
      d := deb_version_order(substr(a, i, 1)) - deb_version_order(substr(b, j, 1));
      if d <> 0 then return d; end if;
      i := i + 1;
      j := j + 1;
    end loop;
    while substr(a, i, 1) = '0' loop i := i + 1; end loop;
    while substr(b, j, 1) = '0' loop j := j + 1; end loop;
    while substr(a, i, 1) ~ '^[0-9]$' and substr(b, j, 1) ~ '^[0-9]$' loop
      if first_diff = 0 then first_diff := ascii(substr(a, i, 1)) - ascii(substr(b, j, 1)); end if;
      i := i + 1;
      j := j + 1;
    end loop;
    if substr(a, i, 1) ~ '^[0-9]$' then return 1; end if;
    if substr(b, j, 1) ~ '^[0-9]$' then return -1; end if;
    if first_diff <> 0 then return first_diff; end if;
  end loop;
  return 0;
end
$$;

-- `[epoch:]upstream[-revision]`: the epoch as a number, the revision after the last hyphen.
create function deb_version_cmp(a text, b text) returns integer
language plpgsql immutable strict parallel safe as $$
declare
  ea numeric := 0;
  eb numeric := 0;
  ra text := '';
  rb text := '';
  p integer;
begin
  p := position(':' in a);
  if p > 1 and left(a, p - 1) ~ '^[0-9]+$' then ea := left(a, p - 1)::numeric; a := substr(a, p + 1); end if;
  p := position(':' in b);
  if p > 1 and left(b, p - 1) ~ '^[0-9]+$' then eb := left(b, p - 1)::numeric; b := substr(b, p + 1); end if;
  if ea <> eb then return case when ea < eb then -1 else 1 end; end if;
  p := length(a) - position('-' in reverse(a)) + 1;
  if position('-' in a) > 0 and p > 1 then ra := substr(a, p + 1); a := left(a, p - 1); end if;
  p := length(b) - position('-' in reverse(b)) + 1;
  if position('-' in b) > 0 and p > 1 then rb := substr(b, p + 1); b := left(b, p - 1); end if;
  p := deb_verrevcmp(a, b);
  if p <> 0 then return p; end if;
  return deb_verrevcmp(ra, rb);
end
$$;

-- Findings stored before this migration: a package version stored installed by the very scan that
-- first listed a newer version of its package, which is still open, is what the rollouts treated
-- as still needed (src/rollouts/run/still-needed.ts, last session): the scan could not say which
-- it was, and the store now has a state for "not shown installed". They become superseded, and the
-- newer version takes over their clock as the writers now do. One pass over the installed package
-- findings: the store's statement timeout is lifted for it (as migration 011).
set local statement_timeout = 0;
with pairs as (
  select distinct on (v.host, v.patch_id) v.host, v.patch_id, v.first_seen, w.patch_id as successor
  from findings v
  join findings w on w.host = v.host and w.first_seen = v.changed_at and w.patch_id <> v.patch_id
    and substring(w.patch_id from '^((?:deb|rpm):[^@]+)@') = substring(v.patch_id from '^((?:deb|rpm):[^@]+)@')
  where v.state = 'installed' and v.patch_id ~ '^(deb|rpm):' and w.state in ('missing', 'failed')
  order by v.host, v.patch_id, w.patch_id
), marked as (
  update findings t set state = 'superseded', superseded_by = p.successor from pairs p where t.host = p.host and t.patch_id = p.patch_id
)
update findings t set first_seen = c.first_seen
from (select host, successor, min(first_seen) as first_seen from pairs group by host, successor) c
where t.host = c.host and t.patch_id = c.successor and c.first_seen < t.first_seen;
