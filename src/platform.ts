import type { ChatHub, SurfaceBinding } from './chat/chat-hub.ts';
import type { Config } from './config/schema.ts';
import type { Connection, Host } from './inventory/host.ts';
import type { JobQueue, QueueReports } from './jobs/job-queue.ts';
import type { Executor } from './playbooks/executor.ts';
import type { HttpServer } from './server/http-server.ts';
import type { Logger } from './shared/logger.ts';
import type { PatchbotStore } from './patchbot-store.ts';
import type { ItsmModule } from './tickets/itsm-module.ts';

/**
 * What the composition root (src/main.ts) hands to the CLI and the service: the outside world,
 * built from adapters. Features see only these ports, never a vendor.
 */
export interface StoreHandle {
  store: PatchbotStore;
  engine: 'pglite' | 'postgres';
  /** Migrations applied while opening (empty when the schema was current or migrate was off). */
  applied: string[];
  /** Embedded store only: paths that were open to other users and were made private at open. */
  tightened?: string[];
  migrationStatus(): Promise<{ current: number; latest: number }>;
  migrate(): Promise<string[]>;
  startQueue(reports: QueueReports): Promise<JobQueue>;
  /** The store is gone for good in this process (the embedded engine's thread died): only a restart helps. */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** One chat surface as the composition root built it: its outbound port and its inbound endpoints. */
export interface ChatSurfaceModule {
  binding: SurfaceBinding;
  /** Mounts the surface's inbound endpoints on the one HTTP server (the console, Slack's events). */
  mount?(server: HttpServer, hub: ChatHub): void;
  /** Ends what the surface holds open (live views, sockets) before the HTTP server drains. */
  stop?(): Promise<void>;
}

export interface Platform {
  openStore(url: string, options: { migrate: boolean }): Promise<StoreHandle>;
  /**
   * The directory of an embedded (single-process) store, which only one process may open at a
   * time; null for a server, which any number of processes share.
   */
  exclusiveDir(url: string): string | null;
  /** One Executor per connection kind, configured from `execution`. */
  executors(options: { config: Config; log: Logger; onHostKeyLearned?: (host: Host, line: string) => void }): Record<Connection, Executor>;
  /**
   * The enabled chat surfaces. Checks credentials where the surface can (Slack's auth.test), so a
   * bad token stops startup with a clear message instead of failing at the first post.
   */
  chatSurfaces(options: { config: Config; store: PatchbotStore; log: Logger }): Promise<ChatSurfaceModule[]>;
  /** The ITSM from `itsm.kind` (none, ServiceNow, Jira): the Ticketing port and its webhook verifier. */
  ticketing(config: Config, log: Logger): Promise<ItsmModule>;
  /** One credential check per enabled chat surface (as startup does): each says what answered, or throws with what is wrong. */
  chatChecks(config: Config, log: Logger): ChatCheck[];
}

export interface ChatCheck {
  surface: 'console' | 'slack' | 'teams';
  run(): Promise<string[]>;
}
