-- RPM's version order (lib/rpmvercmp.c: rpmvercmp, and the epoch, version, release comparison
-- around it), as migration 020 gave Debian's: the writers (adapters/postgres/finding-close.ts)
-- compare a package version that drops out of a RHEL host's report with the version the host runs,
-- which the dnf scan now reports (rpm -q), to tell installed from superseded. Before, an rpm
-- version was always superseded. Negative, 0 or positive; test/postgres/rpm-version-sql.test.ts
-- checks it against rpm itself and src/discovery/parsers/rpm-version.ts.
create function rpm_vercmp(a text, b text) returns integer
language plpgsql immutable strict parallel safe as $$
declare
  i integer := 1;
  j integer := 1;
  la integer := length(a);
  lb integer := length(b);
  x text;
  y text;
  numeric_segment boolean;
begin
  if a = b then return 0; end if;
  while i <= la or j <= lb loop
    while i <= la and substr(a, i, 1) !~ '^[A-Za-z0-9~^]$' loop i := i + 1; end loop;
    while j <= lb and substr(b, j, 1) !~ '^[A-Za-z0-9~^]$' loop j := j + 1; end loop;
    -- `~` sorts before everything, even the end.
    if substr(a, i, 1) = '~' or substr(b, j, 1) = '~' then
      if substr(a, i, 1) <> '~' then return 1; end if;
      if substr(b, j, 1) <> '~' then return -1; end if;
      i := i + 1;
      j := j + 1;
      continue;
    end if;
    -- `^` sorts after the end, before anything else.
    if substr(a, i, 1) = '^' or substr(b, j, 1) = '^' then
      if i > la then return -1; end if;
      if j > lb then return 1; end if;
      if substr(a, i, 1) <> '^' then return 1; end if;
      if substr(b, j, 1) <> '^' then return -1; end if;
      i := i + 1;
      j := j + 1;
      continue;
    end if;
    if i > la or j > lb then exit; end if;
    numeric_segment := substr(a, i, 1) ~ '^[0-9]$';
    if numeric_segment then
      x := substring(substr(a, i) from '^[0-9]+');
      y := substring(substr(b, j) from '^[0-9]+');
    else
      x := substring(substr(a, i) from '^[A-Za-z]+');
      y := substring(substr(b, j) from '^[A-Za-z]+');
    end if;
    -- One segment numeric, the other alphabetic: the numeric one is newer.
    if y is null then return case when numeric_segment then 1 else -1 end; end if;
    i := i + length(x);
    j := j + length(y);
    if numeric_segment then
      x := ltrim(x, '0');
      y := ltrim(y, '0');
      if length(x) <> length(y) then return case when length(x) > length(y) then 1 else -1 end; end if;
    end if;
    if x <> y then return case when x collate "C" < y collate "C" then -1 else 1 end; end if;
  end loop;
  if i > la and j > lb then return 0; end if;
  return case when i > la then -1 else 1 end;
end
$$;

-- `[epoch:]version[-release]` in its three parts, as dpkg and rpm split it: the epoch a number
-- (none is 0), the release after the last hyphen ('' when there is none). Both orders take it.
create function version_parts(v text, out epoch numeric, out version text, out release text)
language plpgsql immutable strict parallel safe as $$
declare
  p integer := position(':' in v);
begin
  epoch := 0;
  if p > 1 and left(v, p - 1) ~ '^[0-9]+$' then epoch := left(v, p - 1)::numeric; v := substr(v, p + 1); end if;
  p := length(v) - position('-' in reverse(v)) + 1;
  version := v;
  release := '';
  if position('-' in v) > 0 and p > 1 then release := substr(v, p + 1); version := left(v, p - 1); end if;
end
$$;

-- RPM's order: epochs, then versions, then releases (as rpm.vercmp compares a missing one: empty).
create function rpm_version_cmp(a text, b text) returns integer
language plpgsql immutable strict parallel safe as $$
declare
  x record := version_parts(a);
  y record := version_parts(b);
  c integer;
begin
  if x.epoch <> y.epoch then return case when x.epoch < y.epoch then -1 else 1 end; end if;
  c := rpm_vercmp(x.version, y.version);
  if c <> 0 then return c; end if;
  return rpm_vercmp(x.release, y.release);
end
$$;

-- Debian's order (migration 020) on the same split, so the two cannot drift apart.
create or replace function deb_version_cmp(a text, b text) returns integer
language plpgsql immutable strict parallel safe as $$
declare
  x record := version_parts(a);
  y record := version_parts(b);
  c integer;
begin
  if x.epoch <> y.epoch then return case when x.epoch < y.epoch then -1 else 1 end; end if;
  c := deb_verrevcmp(x.version, y.version);
  if c <> 0 then return c; end if;
  return deb_verrevcmp(x.release, y.release);
end
$$;
