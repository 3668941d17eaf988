import type { AuditRepos } from '../audit/audit-store.ts';
import type { VoteTx } from '../changes/cast-vote.ts';
import type { ProposeTx } from '../changes/propose-change.ts';
import type { RolloutTx } from '../rollouts/run/rollout-deps.ts';
import type { ComplianceRepos } from '../compliance/compliance-store.ts';
import type { IdempotencyRepos } from '../store/idempotency.ts';
import type { Transactional } from '../store/transactional.ts';
import type { EstateStore } from './answers/estate.ts';
import type { CardStore } from './changes/load-card.ts';
import type { ChatThreadRepos } from './chat-threads.ts';

/**
 * What chat reads and writes: the estate its answers report, the changes its cards show, its
 * threads and deduplication, and the use cases its commands and buttons run (propose, vote,
 * pause/resume/rollback).
 */
export type ChatStore = EstateStore & CardStore & ComplianceRepos & ChatThreadRepos & IdempotencyRepos & AuditRepos & Transactional<ProposeTx & VoteTx & RolloutTx>;
