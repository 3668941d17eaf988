import type { AuditEntry, AuditEvent } from '../audit/audit-event.ts';
import type { Change, ChangeState, Vote } from '../changes/change.ts';
import type { Finding, FindingState, HostScan, Patch, ScanProgress } from '../discovery/patch.ts';
import type { Group, Host } from '../inventory/host.ts';
import type { Person } from '../people/person.ts';
import type { ChatThreadRepository, ConsoleMessageRepository } from './chat-repos.ts';
import type { RolloutRepository } from './rollout-repos.ts';
import type { TicketOutboxRepository } from './ticket-outbox.ts';

export type { ChatThreadRepository, ConsoleMessage, ConsoleMessageRepository, NewConsoleMessage } from './chat-repos.ts';
export type { HostRun, HostRunState, RolloutPhase, RolloutProgress, RolloutRepository } from './rollout-repos.ts';
export type { OutboxEntry, OutboxEvent, OutboxHead, OutboxState, TicketOutboxRepository } from './ticket-outbox.ts';

/*
 * Repository ports, in patchbot's words. One SQL implementation lives in adapters/postgres and runs
 * on PGlite and on a PostgreSQL server; another engine would implement these same interfaces and
 * pass the same contract suite (test/store-contract.ts).
 */

export interface HostRepository {
  /** Replaces the stored inventory with the configured one (config is the source of truth). */
  sync(hosts: Host[]): Promise<void>;
  list(): Promise<Host[]>;
  get(name: string): Promise<Host | null>;
}

export interface GroupRepository {
  sync(groups: Group[]): Promise<void>;
  list(): Promise<Group[]>;
  get(name: string): Promise<Group | null>;
}

export interface PeopleRepository {
  sync(people: Person[]): Promise<void>;
  list(): Promise<Person[]>;
  get(name: string): Promise<Person | null>;
  findBy(field: 'slack' | 'teams' | 'email', value: string): Promise<Person | null>;
}

export interface PatchRepository {
  /**
   * Inserts unseen patches, refreshes metadata of known ones; returns the ids seen for the first
   * time anywhere in the estate. `scanId` records which scan discovered them.
   */
  upsert(patches: Patch[], scanId?: string): Promise<string[]>;
  /** Patches first discovered by this scan: the digest's content. */
  firstSeenIn(scanId: string): Promise<Patch[]>;
  get(id: string): Promise<Patch | null>;
  list(): Promise<Patch[]>;
}

export interface FindingInput {
  patchId: string;
  state: FindingState;
}

export interface FindingRepository {
  /**
   * Records what one scan saw on one host. Patches previously missing on the host and absent from
   * this scan are marked installed: the scan, not an exit code, says what is patched.
   */
  record(scanId: string, host: string, findings: FindingInput[], at: Date): Promise<void>;
  byPatch(patchId: string): Promise<Finding[]>;
  byHost(host: string): Promise<Finding[]>;
  /**
   * For each of `patchIds`, the hosts (by name) whose finding is in one of `states`; patches no
   * host matches are absent. One query for many patches: a scan's digest asks about all it found.
   */
  hostsByPatch(patchIds: string[], states: readonly FindingState[]): Promise<Map<string, string[]>>;
}

/** One host's scan for ScanRepository.recordMany. */
export interface HostScanWrite {
  result: HostScan;
  /**
   * What the scan saw, stored as findings.record stores it (at `result.finishedAt`). Absent when
   * the scan did not get that far (unreachable, failed): the host's findings stay as they were.
   */
  findings?: FindingInput[];
}

export interface ScanRepository {
  start(scanId: string, requestedBy: string, targets: string[], at: Date): Promise<void>;
  recordHost(result: HostScan): Promise<void>;
  /**
   * Several hosts' scans at once, atomically: for each, what findings.record then recordHost
   * would store. The hosts must be distinct. Same result as the per-host calls in one
   * transaction, in one statement; the discovery write buffer uses it.
   */
  recordMany(writes: HostScanWrite[]): Promise<void>;
  finish(scanId: string, at: Date): Promise<void>;
  /**
   * Marks the scan finished if every target has reported and nobody marked it yet. True for
   * exactly one caller, however many host jobs finish at once.
   */
  tryFinish(scanId: string, at: Date): Promise<boolean>;
  progress(scanId: string): Promise<ScanProgress | null>;
  /** Per-host results of one scan, by host name. */
  results(scanId: string): Promise<HostScan[]>;
  /** The latest scan outcome per host: the freshness every answer reports. */
  latestPerHost(): Promise<HostScan[]>;
}

export interface ChangeFilter {
  states?: ChangeState[];
  limit?: number;
}

export interface ChangeRepository {
  /** Allocates the next human-friendly id (CHG-1, CHG-2, …). */
  nextId(): Promise<string>;
  create(change: Change): Promise<void>;
  get(id: string): Promise<Change | null>;
  /** Reads the change and locks it until the surrounding transaction ends (deciding votes, transitions). */
  getForUpdate(id: string): Promise<Change | null>;
  list(filter?: ChangeFilter): Promise<Change[]>;
  /** Compare-and-set: moves the change only if it is still in `from`; false when someone else moved it. */
  setState(id: string, from: ChangeState, to: ChangeState, at: Date): Promise<boolean>;
}

export interface VoteRepository {
  /** One vote per person per change: a later vote replaces the earlier one. */
  put(vote: Vote): Promise<void>;
  list(changeId: string): Promise<Vote[]>;
}

export interface TicketLink {
  changeId: string;
  system: string;
  key: string;
  url: string | null;
  state: string | null;
}

export interface TicketRepository {
  link(ticket: TicketLink): Promise<void>;
  forChange(changeId: string): Promise<TicketLink[]>;
}

export interface AuditRepository {
  /** Appends one event to the hash chain; concurrent appends are serialised so the chain never forks. */
  append(entry: AuditEntry): Promise<AuditEvent>;
  /** Streams events in sequence order, for verification and export. */
  read(fromSeq?: number): AsyncIterable<AuditEvent>;
  head(): Promise<{ seq: number; hash: string } | null>;
}

export interface IdempotencyRepository {
  /** True the first time a key is claimed; false for retries and double clicks, across replicas. */
  claim(key: string, at: Date): Promise<boolean>;
  /** Forgets keys claimed before `before` (housekeeping); returns how many. */
  prune(before: Date): Promise<number>;
}

export interface Store {
  hosts: HostRepository;
  groups: GroupRepository;
  people: PeopleRepository;
  patches: PatchRepository;
  findings: FindingRepository;
  scans: ScanRepository;
  changes: ChangeRepository;
  votes: VoteRepository;
  tickets: TicketRepository;
  audit: AuditRepository;
  idempotency: IdempotencyRepository;
  chatThreads: ChatThreadRepository;
  consoleMessages: ConsoleMessageRepository;
  rollouts: RolloutRepository;
  /** What each change ticket must hear, in order (ticket sync, DESIGN §6). */
  ticketOutbox: TicketOutboxRepository;
  /** Runs `work` in one transaction; the Store passed in is bound to it. Throwing rolls back. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /** Store health for /readyz: reachable and migrated. */
  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}
