import type { HostRun, RolloutProgress, RolloutRepository } from '../../src/store/store.ts';
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
  async queueRuns(changeId, wave, batch, hosts) {
    if (hosts.length === 0) return;
    await sql.query(
      `insert into host_runs (change_id, host, wave, batch, state) select $1, h, $2, $3, 'queued' from unnest($4::text[]) as h
       on conflict (change_id, host) do nothing`,
      [changeId, wave, batch, hosts],
    );
  },
  async claimRun(changeId, host, leaseUntil, at) {
    // One statement decides: two workers (or replicas) racing for a host cannot both win.
    const rows = await sql.query<RunRow & { recovered: boolean }>(
      `update host_runs set state = 'running', attempt = attempt + 1, lease_until = $3, started_at = coalesce(started_at, $4)
       where change_id = $1 and host = $2 and (state = 'queued' or (state = 'running' and lease_until < $4))
       returning *, (attempt > 1) as recovered`,
      [changeId, host, leaseUntil, at],
    );
    const row = rows[0];
    return row ? { run: toRun(row), recovered: row.recovered } : null;
  },
  async renewLease(changeId, host, leaseUntil) {
    await sql.query(`update host_runs set lease_until = $3 where change_id = $1 and host = $2 and state = 'running'`, [changeId, host, leaseUntil]);
  },
  async finishRun(changeId, host, { state, result, error, at }) {
    const rows = await sql.query(
      `update host_runs set state = $3, result = $4, error = $5, finished_at = $6, lease_until = null
       where change_id = $1 and host = $2 and state = 'running' returning host`,
      [changeId, host, state, result === undefined ? null : JSON.stringify(result), error, at],
    );
    return rows.length === 1;
  },
  async setRunState(changeId, host, from, to, error) {
    await sql.query(`update host_runs set state = $4, error = coalesce($5, error) where change_id = $1 and host = $2 and state = $3`, [changeId, host, from, to, error ?? null]);
  },
  async expiredLeases(at) {
    const rows = await sql.query<{ change_id: string; host: string }>(`select change_id, host from host_runs where state = 'running' and lease_until < $1`, [at]);
    return rows.map((r) => ({ changeId: r.change_id, host: r.host }));
  },
});
