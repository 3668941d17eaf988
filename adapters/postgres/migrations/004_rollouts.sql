-- Where an approved change stands in its rollout, and one row per host it runs on. Every
-- transition is written here before its side effect (a job sent, a card posted), so a restarted
-- replica knows which hosts finished, which were in flight, and what to do next.
create table rollouts (
  change_id text primary key references changes (id),
  wave integer not null default 0,
  phase text not null,
  scan_id text,
  soak_until timestamptz,
  opening_start timestamptz,
  waiting_since timestamptz,
  paused_by text,
  halt_reason text,
  status text,
  updated_at timestamptz not null
);

create table host_runs (
  change_id text not null references changes (id),
  host text not null,
  wave integer not null,
  batch integer not null,
  state text not null,
  attempt integer not null default 0,
  -- A running host run is owned by the worker that renews this lease; an expired lease means the
  -- worker died (SIGKILL, lost node), and the run is re-checked by scan before anything re-runs.
  lease_until timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  result jsonb,
  error text,
  primary key (change_id, host)
);
create index host_runs_leases on host_runs (lease_until) where state = 'running';
