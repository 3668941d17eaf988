-- patchbot schema, version 1. Config is the source of truth for hosts, groups and people; the
-- store keeps a copy so answers can join them with findings in SQL.

create table hosts (
  name        text primary key,
  address     text not null,
  port        integer not null,
  login       text not null,
  os          text not null,
  groups      text[] not null default '{}',
  tags        jsonb not null default '{}',
  connection  text not null
);

create table host_groups (
  name        text primary key,
  description text,
  members     text[],
  selector    jsonb,
  production  boolean not null default false
);

create table people (
  name   text primary key,
  email  text,
  slack  text,
  teams  text,
  roles  text[] not null default '{}'
);
create index people_slack on people (slack);
create index people_teams on people (teams);
create index people_email on people (lower(email));

create table patches (
  id          text primary key,
  title       text not null,
  severity    text not null,
  security    boolean not null,
  cves        text[] not null default '{}',
  reboot_hint boolean not null default false,
  first_seen  timestamptz not null
);

create table scans (
  id           text primary key,
  requested_by text not null,
  targets      text[] not null,
  started_at   timestamptz not null,
  finished_at  timestamptz
);

create table host_scans (
  scan_id     text not null references scans (id),
  host        text not null,
  outcome     text not null,
  error       text,
  started_at  timestamptz not null,
  finished_at timestamptz not null,
  primary key (scan_id, host)
);
create index host_scans_latest on host_scans (host, finished_at desc);

create table findings (
  host       text not null,
  patch_id   text not null references patches (id),
  state      text not null,
  first_seen timestamptz not null,
  last_seen  timestamptz not null,
  scan_id    text not null,
  primary key (host, patch_id)
);
create index findings_by_patch on findings (patch_id, state);

create sequence change_numbers;

create table changes (
  id          text primary key,
  class       text not null,
  title       text not null,
  patches     text[] not null,
  targets     text[] not null,
  window_name text,
  requester   text not null,
  policy_name text not null,
  policy      jsonb not null,
  state       text not null,
  parent_id   text references changes (id),
  plan        jsonb,
  post_review boolean not null default false,
  created_at  timestamptz not null,
  updated_at  timestamptz not null,
  expires_at  timestamptz
);
create index changes_by_state on changes (state);

-- One row per person per change: a later vote replaces the earlier (the audit log keeps every click).
create table votes (
  change_id text not null references changes (id),
  person    text not null,
  decision  text not null,
  comment   text,
  surface   text not null,
  at        timestamptz not null,
  primary key (change_id, person)
);

create table tickets (
  change_id text not null references changes (id),
  system    text not null,
  key       text not null,
  url       text,
  state     text,
  primary key (change_id, system)
);

-- Append-only: the application never updates or deletes; the hash chain proves it did not.
create table audit_events (
  seq       bigint primary key,
  at        timestamptz not null,
  actor     text not null,
  action    text not null,
  subject   text not null,
  data      jsonb not null,
  prev_hash text not null,
  hash      text not null
);

create table idempotency_keys (
  key        text primary key,
  claimed_at timestamptz not null
);
