/**
 * `execution` (how playbooks run), `playbooks` and `compliance`. Durations come out as
 * milliseconds; paths come out absolute (the loader resolves them).
 */
import { z } from 'zod';
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
