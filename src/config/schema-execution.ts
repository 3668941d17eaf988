/**
 * `execution` (how playbooks run), `playbooks` and `compliance`. Durations come out as
 * milliseconds; paths come out absolute (the loader resolves them).
 */
import { z } from 'zod';
import { exactCron } from '../jobs/every.ts';
import { Duration, FilePath } from './schema-common.ts';

export const SshConfig = z.strictObject({
  /** Absent: the SSH agent ($SSH_AUTH_SOCK) is asked. */
  privateKeyPath: FilePath.optional(),
  /** `~` is expanded by the loader. */
  knownHostsPath: FilePath.default('~/.ssh/known_hosts'),
  /** false = trust on first use: an unknown key is accepted, recorded and audited; a changed key still fails. */
  strictHostKeys: z.boolean().default(true),
  connectTimeout: Duration.prefault('20s'),
  commandTimeout: Duration.prefault('30m'),
});
export type SshConfig = z.infer<typeof SshConfig>;

/**
 * How much one host's scan may say. A managed host may be hostile: a scan of 100,000 invented
 * lines once added 100,000 "security" patches and took the service to 1.3 GB. Real scans are far
 * below these (a stale Debian host with 2,000 upgrades prints ~4,000 lines); a scan over a cap
 * fails for that host, with the reason, and nothing of it is stored.
 */
export const ScanLimits = z.strictObject({
  maxLines: z.number().int().min(100).default(50_000),
  maxPatches: z.number().int().min(10).default(5_000),
  maxWarnings: z.number().int().min(1).default(200),
});
export type ScanLimits = z.infer<typeof ScanLimits>;

const SECOND = 1_000;
const HOUR = 3_600_000;
const asText = (ms: number) => (ms % HOUR === 0 ? `${ms / HOUR}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / SECOND}s`);

/**
 * How often the rollout sweep runs. Each sweep reads every change with work ahead and queues a
 * job for each, so not more often than every 5 s; and it is when a dead worker's host runs are
 * taken over, so not less often than hourly. It fires by cron (one firing across replicas), so
 * only periods a cron keeps exactly are taken (src/jobs/every.ts).
 */
export const RolloutSweep = Duration.superRefine((ms, ctx) => {
  const message =
    ms < 5 * SECOND
      ? `${asText(ms)} is too often: each sweep reads every change with work ahead; write at least 5s`
      : ms > HOUR
        ? `${asText(ms)} is too rare: a stopped worker's host runs are taken over only at a sweep; write at most 1h`
        : exactCron(ms) === null
          ? `${asText(ms)} does not divide a minute or an hour, so sweeps would not come evenly (they fire by cron); write 5s, 6s, 10s, 12s, 15s, 20s, 30s, or 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m, 1h`
          : null;
  if (message) ctx.addIssue({ code: 'custom', message });
});

export const ExecutionConfig = z.strictObject({
  /** On by default: a fresh checkout shows the whole loop without touching a server. */
  dryRun: z.boolean().default(true),
  /** Hosts worked on at once across all running changes. */
  concurrency: z.number().int().min(1, 'must be at least 1').max(10_000).default(20),
  /** Per tag name, hosts sharing one value of that tag at once: { cluster: 1 } keeps HA pairs apart. */
  perTagLimits: z.record(z.string().min(1), z.number().int().min(1, 'must be at least 1')).default({}),
  ssh: SshConfig.prefault({}),
  /**
   * A host run not heard from for this long is taken to be lost with its worker (a crash, a lost
   * node): the host is rescanned, and patched again only if the rescan says it still needs it.
   */
  hostRunLease: Duration.prefault('2m'),
  /**
   * How often every change with work ahead is looked at: a lost wake-up is made good, and host runs
   * whose lease is stale (1.5 leases after their worker's last renewal) are taken over.
   */
  rolloutSweep: RolloutSweep.prefault('30s'),
  scanLimits: ScanLimits.prefault({}),
});
export type ExecutionConfig = z.infer<typeof ExecutionConfig>;

export const PlaybooksConfig = z.strictObject({ dir: FilePath.default('./playbooks') });
export type PlaybooksConfig = z.infer<typeof PlaybooksConfig>;

/** Days to patch after first seen, per severity; `unknown` severity is held to the moderate SLA. */
export const ComplianceConfig = z.strictObject({
  sla: z
    .strictObject({
      critical: Duration.prefault('7d'),
      important: Duration.prefault('30d'),
      moderate: Duration.prefault('90d'),
      low: Duration.prefault('180d'),
    })
    .prefault({}),
});
export type ComplianceConfig = z.infer<typeof ComplianceConfig>;
