-- Managed hosts may lie (DESIGN §8). The catalog kept only the STRONGEST claim any host made about
-- a patch (severity only rises, the security flag is only ever set), and a recurring proposal of
-- class standard, which is approved with no person's vote, selected patches by it: one host
-- calling a patch critical or security made every standard schedule pick it up for every host
-- missing it, unapproved. The rule now: what GRANTS (pre-approval) rests on the WEAKEST claim the
-- reporting hosts made; what WARNS (compliance, SLA clocks, the digest's urgency) keeps the
-- strongest. A lying host can then only make a patch need a person's approval, never skip it.
--
-- The weakest claim is kept beside the strongest: severity_floor only sinks (the lower severity of
-- the two), security_floor is only ever cleared, by the store's upsert in one statement whichever
-- process writes (adapters/postgres/discovery-repos.ts).
alter table patches add column severity_floor text, add column security_floor boolean;

-- Existing rows: the catalog recorded no weaker claim. They start from their current severity and
-- security flag, lowered by what the audit log kept of hosts that said less (`scan.disagreement`
-- events: `reported.severity` when lower, `reported.security: false`). That record is partial —
-- at most 20 patches per host write, and only the reports a process compared with what it had
-- stored itself (another replica, or one after a restart, sent them to the store, which dropped
-- them) — so a weaker claim made before may be missing here; the next scan of a host that still
-- makes it lowers the floor. Lowering only ever takes pre-approval away, never grants it. One pass
-- over the audit log: the store's statement timeout is lifted for it (as migration 011).
set local statement_timeout = 0;
update patches set severity_floor = severity, security_floor = security;
with said as (
  select x ->> 'patch' as id,
    min(array_position(array['unknown','low','moderate','important','critical'], x -> 'reported' ->> 'severity')) as severity_rank,
    bool_or(x -> 'reported' -> 'security' = 'false'::jsonb) as not_security
  from audit_events e
  cross join lateral jsonb_array_elements(case when jsonb_typeof(e.data -> 'patches') = 'array' then e.data -> 'patches' else '[]'::jsonb end) as x
  where e.action = 'scan.disagreement'
  group by 1
)
update patches t set
  severity_floor = case
    when s.severity_rank < array_position(array['unknown','low','moderate','important','critical'], t.severity_floor)
      then (array['unknown','low','moderate','important','critical'])[s.severity_rank]
    else t.severity_floor end,
  security_floor = t.security_floor and not coalesce(s.not_security, false)
from said s
where s.id = t.id;

alter table patches
  alter column severity_floor set not null,
  alter column security_floor set not null,
  -- The weakest claim never exceeds the strongest, whatever writes the row.
  add constraint patches_floor_below_strongest check (
    array_position(array['unknown','low','moderate','important','critical'], severity_floor)
      <= array_position(array['unknown','low','moderate','important','critical'], severity)
    and (security or not security_floor));

-- Titles. The catalog keeps the first title stored, and the scans' titles quoted facts of the host
-- that reported first: apt's `openssl 3.0.11-1~deb12u1 → 3.0.13-1~deb12u1` the version that host
-- ran (`(new)` when it had none), a dnf advisory's `…: Important security update for glibc,
-- glibc-common, glibc-langpack-en` the packages of it that host had. Shown to every host's people
-- in digests, cards and tickets, they were wrong for the others. The parsers now title a package
-- update by its package and candidate version (its id says as much) and an advisory by its id and
-- kind. Stored titles are rewritten the same way: the catalog never replaces a title, so they
-- would go on stating one host's facts as everyone's for as long as the patch is pending, while
-- the new reports of the same patch say otherwise. Both rewrites take only what the patch id
-- holds, or cut the stored title short; no host text is added.
update patches
set title = substring(id from '^deb:([^@]+)@') || ' → ' || substring(id from '^deb:[^@]+@(.*)$')
where id like 'deb:%' and title like '% → %'
  and title <> substring(id from '^deb:([^@]+)@') || ' → ' || substring(id from '^deb:[^@]+@(.*)$');
update patches
set title = left(title, strpos(title, ' for ') - 1)
where id !~ '^(KB|deb:|rpm:)' and left(title, char_length(id) + 2) = id || ': ' and strpos(title, ' for ') > 0;
