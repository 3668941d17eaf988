/**
 * The whole configuration, as one zod schema. Every object is strict (an unknown key is an error,
 * not silently ignored: a typo in `signingSecret` must not leave Slack unverified). The keys are
 * public: config/default.yaml documents each one, and renaming any of them breaks deployments.
 *
 * Sections live in schema-*.ts; cross-section rules in schema-rules.ts; warnings (legal but
 * probably wrong) in warnings.ts. Defaults here mirror config/default.yaml so that the type is
 * complete even for a config built in code.
 */
import { z } from 'zod';
import { ApprovalConfig } from '../changes/approval-policy-config.ts';
import { Group, GroupSelector, Host } from '../inventory/host.ts';
import { withImpliedGroups } from '../inventory/implied-groups.ts';
import { Person } from '../people/person.ts';
import { ChatConfig } from './schema-chat.ts';
import { evenWithIssues, FilePath, isLoopback, Secret } from './schema-common.ts';
import { ComplianceConfig, ExecutionConfig, PlaybooksConfig } from './schema-execution.ts';
import { ItsmConfig } from './schema-itsm.ts';
import { RolloutConfig } from './schema-rollout.ts';
import { crossSectionRules } from './schema-rules.ts';
import { Blackout, SchedulesConfig, WindowsConfig } from './schema-windows.ts';

export const ServerConfig = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65535, 'must be a TCP port (0–65535)').default(8080),
    /** Bearer token for the console and API; without one the server must stay on loopback. */
    token: Secret.min(16, 'is too short; use at least 16 characters, e.g. from `openssl rand -hex 32`').optional(),
  })
  .superRefine((server, ctx) => {
    const host = typeof server.host === 'string' ? server.host : '127.0.0.1';
    if (!isLoopback(host) && server.token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `required when server.host is not a loopback address (${host}); set PATCHBOT_SERVER_TOKEN (e.g. \`openssl rand -hex 32\`) or bind server.host to 127.0.0.1`,
      });
    }
  }, evenWithIssues);
export type ServerConfig = z.infer<typeof ServerConfig>;

export const StoreConfig = z.strictObject({
  /** The loader rewrites a relative pglite directory to an absolute one (pglite:///abs/dir). */
  url: z
    .string()
    .regex(/^(pglite:\/\/.+|postgres(ql)?:\/\/.+)$/, 'use pglite://<dir>, pglite://memory or postgres://user@host:5432/db')
    .default('pglite://./data'),
});
export type StoreConfig = z.infer<typeof StoreConfig>;

/** Inventory entries are strict too: `adress:` on a host must fail, not fall back to nothing. */
/** A `connection: local` host runs commands on this machine: it has no address to give, so none is asked for. */
const StrictHost = z.preprocess(
  (raw) =>
    raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).connection === 'local' && (raw as Record<string, unknown>).address === undefined
      ? { ...raw, address: 'localhost' }
      : raw,
  Host.strict(),
);
const StrictGroup = Group.extend({ selector: GroupSelector.strict().optional() }).strict();

export const InventoryConfig = z.strictObject({
  hosts: z.array(StrictHost).default([]),
  groups: z.array(StrictGroup).default([]),
  /** A YAML file with `hosts:` and `groups:`; the loader merges its entries after the inline ones. */
  file: FilePath.optional(),
});
export type InventoryConfig = z.infer<typeof InventoryConfig>;

/** The two top-level keys an inventory file may hold. */
export const INVENTORY_FILE_KEYS = ['hosts', 'groups'] as const;

export const LogConfig = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** auto: pretty on a terminal, JSON otherwise. */
  format: z.enum(['json', 'pretty', 'auto']).default('auto'),
});
export type LogConfig = z.infer<typeof LogConfig>;

/** DESIGN §3, the same policies as config/default.yaml. */
const DEFAULT_APPROVAL = {
  source: 'chat',
  normal: { approvers: ['role:oncall'], required: 1 },
  production: { voters: ['role:cab'], quorum: 3, rejectWins: true, expiresIn: '48h' },
  emergency: { approvers: ['role:oncall'], required: 1, notify: ['role:cab'], postReview: true },
  standard: { required: 0 },
};

/**
 * Every section, each checked on its own; Config adds the rules between sections. Alone, it
 * validates a config loaded without its inventory file (loadConfig's inventoryFile: false), whose
 * references into that file cannot be checked.
 */
export const ConfigSections = z.strictObject({
  server: ServerConfig.prefault({}),
  store: StoreConfig.prefault({}),
  inventory: InventoryConfig.prefault({}),
  people: z.array(Person.strict()).default([]),
  // The cast: catchall typing makes `source` collide with the policy index signature.
  approval: ApprovalConfig.prefault(DEFAULT_APPROVAL as unknown as z.input<typeof ApprovalConfig>),
  windows: WindowsConfig.prefault({}),
  blackouts: z.array(Blackout).default([]),
  schedules: SchedulesConfig.prefault({}),
  rollout: RolloutConfig.prefault({}),
  execution: ExecutionConfig.prefault({}),
  playbooks: PlaybooksConfig.prefault({}),
  compliance: ComplianceConfig.prefault({}),
  chat: ChatConfig.prefault({}),
  itsm: ItsmConfig.prefault({}),
  log: LogConfig.prefault({}),
});

export const Config = ConfigSections.superRefine(crossSectionRules, evenWithIssues)
  // After the rules, which check the groups as written: the parsed config lists implied groups too.
  .transform((config) => ({ ...config, inventory: { ...config.inventory, groups: withImpliedGroups(config.inventory.hosts, config.inventory.groups) } }));
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
