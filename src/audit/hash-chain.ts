import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { AuditEntry, AuditEvent } from './audit-event.ts';

export { canonicalJson };

/** The `prevHash` of event #1: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every field the hash covers: all of the event except the hash itself. */
export type AuditEventBody = Omit<AuditEvent, 'hash'>;

/** sha256 (hex) over the canonical JSON of every field but `hash`. Extra properties are ignored. */
export const hashEvent = (event: AuditEventBody): string => {
  // Pick the fields explicitly: passing a whole AuditEvent (hash included) must give the same hash.
  const { seq, at, actor, action, subject, data, prevHash } = event;
  return createHash('sha256').update(canonicalJson({ seq, at, actor, action, subject, data, prevHash })).digest('hex');
};

/**
 * The next link after `prev` (null for the first event). `data` is normalised to its JSON form so
 * the returned event is exactly what a later read from the store returns (Dates as strings,
 * undefined gone) — callers comparing the two are not surprised.
 */
export const sealEvent = (prev: { seq: number; hash: string } | null, entry: AuditEntry, at: Date): AuditEvent => {
  const body: AuditEventBody = {
    seq: (prev?.seq ?? 0) + 1,
    at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    data: JSON.parse(canonicalJson(entry.data ?? {})) as Record<string, unknown>,
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: hashEvent(body) };
};
