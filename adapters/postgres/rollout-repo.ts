import type { HostRun, RolloutProgress, RolloutRepository } from '../../src/rollouts/rollout-store.ts';
import type { SqlClient } from './sql-client.ts';

interface ProgressRow {
  change_id: string;
  wave: number;
  phase: RolloutProgress['phase'];
  scan_id: string | null;
  soak_until: Date | null;
  opening_start: Date | null;
  waiting_since: Date | null;
  paused_by: string | null;
  halt_reason: string | null;
  status: string | null;
  updated_at: Date;
}

const toProgress = (r: ProgressRow): RolloutProgress => ({
  changeId: r.change_id,
  wave: r.wave,
  phase: r.phase,
  scanId: r.scan_id,
  soakUntil: r.soak_until,
  openingStart: r.opening_start,
  waitingSince: r.waiting_since,
  pausedBy: r.paused_by,
  haltReason: r.halt_reason,
  status: r.status,
  updatedAt: r.updated_at,
});

interface RunRow {
  change_id: string;
  host: string;
  wave: number;
  batch: number;
  state: HostRun['state'];
  attempt: number;
  lease_until: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  result: unknown;
  error: string | null;
}

const toRun = (r: RunRow): HostRun => ({
  changeId: r.change_id,
  host: r.host,
  wave: r.wave,
  batch: r.batch,
  state: r.state,
  attempt: r.attempt,
  leaseUntil: r.lease_until,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  result: r.result,
  error: r.error,
});

export const rolloutRepository = (sql: SqlClient): RolloutRepository => ({
  async progress(changeId) {
    const rows = await sql.query<ProgressRow>('select * from rollouts where change_id = $1', [changeId]);
    return rows[0] ? toProgress(rows[0]) : null;
  },
  async progressForUpdate(changeId) {
    const rows = await sql.query<ProgressRow>('select * from rollouts where change_id = $1 for update', [changeId]);
    return rows[0] ? toProgress(rows[0]) : null;
  },
  async saveProgress(p) {
    await sql.query(
      `insert into rollouts (change_id, wave, phase, scan_id, soak_until, opening_start, waiting_since, paused_by, halt_reason, status, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (change_id) do update set wave = $2, phase = $3, scan_id = $4, soak_until = $5, opening_start = $6,
         waiting_since = $7, paused_by = $8, halt_reason = $9, status = $10, updated_at = $11`,
      [p.changeId, p.wave, p.phase, p.scanId, p.soakUntil, p.openingStart, p.waitingSince, p.pausedBy, p.haltReason, p.status, p.updatedAt],
    );
  },
  async runs(changeId) {
    const rows = await sql.query<RunRow>('select * from host_runs where change_id = $1 order by wave, batch, host', [changeId]);
    return rows.map(toRun);
  },
  async run(changeId, host) {
    const rows = await sql.query<RunRow>('select * from host_runs where change_id = $1 and host = $2', [changeId, host]);
    return rows[0] ? toRun(rows[0]) : null;
  },
  async stateCounts(changeId) {
    const rows = await sql.query<{ state: HostRun['state']; n: number }>('select state, count(*)::int as n from host_runs where change_id = $1 group by state', [changeId]);
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  },
  async queueRuns(changeId, wave, batch, hosts) {
    if (hosts.length === 0) return;
    await sql.query(
      `insert into host_runs (change_id, host, wave, batch, state) select $1, h, $2, $3, 'queued' from unnest($4::text[]) as h
       on conflict (change_id, host) do nothing`,
      [changeId, wave, batch, hosts],
    );
  },
  async claimRun(changeId, host, leaseUntil, at, staleBefore) {
    // One statement decides: two workers (or replicas) racing for a host cannot both win, a host
    // of a change halted a moment ago does not start, and one host runs one change at a time.
    // A lapsed lease is taken over only once it is stale ($5): its worker has stopped by then.
    const rows = await sql.query<RunRow & { recovered: boolean }>(
      `update host_runs r set state = 'running', attempt = attempt + 1, lease_until = $3, started_at = coalesce(started_at, $4)
       where r.change_id = $1 and r.host = $2 and (r.state = 'queued' or (r.state = 'running' and r.lease_until < $5))
         and exists (select 1 from changes c where c.id = $1 and c.state = 'running')
         and not exists (select 1 from host_runs o where o.host = $2 and o.change_id <> $1 and o.state = 'running' and o.lease_until >= $5)
       returning r.*, (r.attempt > 1) as recovered`,
      [changeId, host, leaseUntil, at, staleBefore],
    );
    const row = rows[0];
    return row ? { run: toRun(row), recovered: row.recovered } : null;
  },
  async renewLease(changeId, host, attempt, leaseUntil) {
    const rows = await sql.query(`update host_runs set lease_until = $4 where change_id = $1 and host = $2 and attempt = $3 and state = 'running' returning host`, [
      changeId,
      host,
      attempt,
      leaseUntil,
    ]);
    return rows.length === 1;
  },
  async finishRun(changeId, host, { attempt, state, result, error, at }) {
    // Fenced by the attempt: a worker that lost its lease (and its run) cannot overwrite the result of the one that took over.
    const rows = await sql.query(
      `update host_runs set state = $4, result = $5, error = $6, finished_at = $7, lease_until = null
       where change_id = $1 and host = $2 and attempt = $3 and state = 'running' returning host`,
      [changeId, host, attempt, state, result === undefined ? null : JSON.stringify(result), error, at],
    );
    return rows.length === 1;
  },
  async setRunState(changeId, host, from, to, error) {
    await sql.query(`update host_runs set state = $4, error = coalesce($5, error) where change_id = $1 and host = $2 and state = $3`, [changeId, host, from, to, error ?? null]);
  },
  async setRunStates(changeId, from, verdicts) {
    if (verdicts.length === 0) return;
    await sql.query(
      `update host_runs r set state = v.state, error = coalesce(v.error, r.error)
       from unnest($3::text[], $4::text[], $5::text[]) as v(host, state, error)
       where r.change_id = $1 and r.host = v.host and r.state = $2`,
      [changeId, from, verdicts.map((v) => v.host), verdicts.map((v) => v.to), verdicts.map((v) => v.error)],
    );
  },
  async expiredLeases(at) {
    const rows = await sql.query<{ change_id: string; host: string }>(
      `select r.change_id, r.host from host_runs r join changes c on c.id = r.change_id
       where r.state = 'running' and r.lease_until < $1 and c.state = 'running'`,
      [at],
    );
    return rows.map((r) => ({ changeId: r.change_id, host: r.host }));
  },
});
