import type { AuditEntry, AuditEvent } from './audit-event.ts';

export interface AuditRepository {
  /** Appends one event to the hash chain; concurrent appends are serialised so the chain never forks. */
  append(entry: AuditEntry): Promise<AuditEvent>;
  /** Streams events in sequence order, for verification and export. */
  read(fromSeq?: number): AsyncIterable<AuditEvent>;
  head(): Promise<{ seq: number; hash: string } | null>;
}

export interface AuditRepos {
  audit: AuditRepository;
}
