import type { StorageEngine } from '../../src/patchbot-store.ts';
import { accessTokenRepository } from './access-token-repo.ts';
import { auditRepository, idempotencyRepository } from './audit-repo.ts';
import { chatThreadRepository } from './chat-repos.ts';
import { complianceReads } from './compliance-reads.ts';
import { changeRepository, ticketRepository, voteRepository } from './change-repos.ts';
import { findingRepository, patchRepository } from './discovery-repos.ts';
import { rolloutRepository } from './rollout-repo.ts';
import { scanRepository } from './scan-repo.ts';
import { signInSessionRepository } from './sign-in-session-repo.ts';
import { ticketOutboxRepository } from './ticket-outbox-repo.ts';
import { groupRepository, hostRepository, peopleRepository } from './inventory-repos.ts';
import { migrationStatus } from './migrate.ts';
import type { SqlClient } from './sql-client.ts';
import { withStoreErrors } from './store-errors.ts';

/** Every feature's repositories over any SqlClient, its engine's integrity errors translated into ours. */
export const sqlStore = (sql: SqlClient): StorageEngine => storeOver(withStoreErrors(sql));

/**
 * Every feature's repositories; a transaction gets them bound to its connection (already
 * translating). The console's history is not among them: the console adapter declares it, and the
 * composition root builds it from ./console-messages.ts.
 */
const storeOver = (sql: SqlClient): StorageEngine => ({
  hosts: hostRepository(sql),
  groups: groupRepository(sql),
  people: peopleRepository(sql),
  accessTokens: accessTokenRepository(sql),
  signInSessions: signInSessionRepository(sql),
  patches: patchRepository(sql),
  findings: findingRepository(sql),
  compliance: complianceReads(sql),
  scans: scanRepository(sql),
  changes: changeRepository(sql),
  votes: voteRepository(sql),
  tickets: ticketRepository(sql),
  audit: auditRepository(sql),
  idempotency: idempotencyRepository(sql),
  chatThreads: chatThreadRepository(sql),
  rollouts: rolloutRepository(sql),
  ticketOutbox: ticketOutboxRepository(sql),
  transaction: (work) => sql.transaction((tx) => work(storeOver(tx))),
  async health() {
    try {
      const { current, latest } = await migrationStatus(sql);
      if (current < latest) return { ok: false, detail: `schema at version ${current}, ${latest} expected: run \`patchbot db migrate\`` };
      return { ok: true, detail: `${sql.engine}, schema version ${current}` };
    } catch (error) {
      return { ok: false, detail: `store unreachable: ${(error as Error).message}` };
    }
  },
  close: () => sql.close(),
});
