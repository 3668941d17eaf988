import type { AuditRepos } from './audit/audit-store.ts';
import type { FollowedChanges } from './changes/change-moves.ts';
import type { ChangeRepos } from './changes/change-store.ts';
import type { ChatThreadRepos } from './chat/chat-threads.ts';
import type { ComplianceRepos } from './compliance/compliance-store.ts';
import type { DiscoveryRepos } from './discovery/discovery-store.ts';
import type { InventoryRepos } from './inventory/inventory-store.ts';
import type { AccessTokenRepos } from './people/access-tokens.ts';
import type { PeopleRepos } from './people/people-store.ts';
import type { SignInSessionRepos } from './people/sign-in-sessions.ts';
import type { RolloutRepos } from './rollouts/rollout-store.ts';
import type { IdempotencyRepos } from './store/idempotency.ts';
import type { StoreLifecycle, Transactional } from './store/transactional.ts';
import { ticketOutboxFollower } from './tickets/outbox-events.ts';
import type { TicketRepos } from './tickets/ticket-store.ts';

/**
 * The whole store, as the composition wires it. Each feature declares its own repositories in its
 * folder and its use cases ask only for those; this is the one place that knows them all.
 */

/** Every feature's repositories: what a storage engine implements (adapters/postgres). */
export type StoredRepos = InventoryRepos &
  PeopleRepos &
  AccessTokenRepos &
  SignInSessionRepos &
  DiscoveryRepos &
  ComplianceRepos &
  ChangeRepos &
  RolloutRepos &
  TicketRepos &
  AuditRepos &
  IdempotencyRepos &
  ChatThreadRepos;

/** A storage engine: the repositories, transactions over them, health and close. */
export type StorageEngine = StoredRepos & Transactional<StorageEngine> & StoreLifecycle;

/** The store features are handed: the engine, with ticket sync following every change's moves. */
export type PatchbotStore = StoredRepos & FollowedChanges & Transactional<PatchbotStore> & StoreLifecycle;

/**
 * Binds the change followers (ticket sync's outbox) to the engine and to each of its transactions,
 * so every move, wherever it is made, is heard in the transaction that made it.
 */
export const patchbotStore = (engine: StorageEngine): PatchbotStore => {
  const store: PatchbotStore = {
    ...engine,
    changeFollowers: { moved: (move) => ticketOutboxFollower(store).moved(move) },
    transaction: (work) => engine.transaction((tx) => work(patchbotStore(tx))),
  };
  return store;
};
