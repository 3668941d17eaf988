/** One link of the hash chain. `hash` covers every other field, including `prevHash`. */
export interface AuditEvent {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** What a caller supplies; the store assigns seq, prevHash and hash inside the append transaction. */
export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  data?: Record<string, unknown>;
  at?: Date;
}
