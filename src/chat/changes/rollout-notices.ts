import type { RolloutNotices } from '../../rollouts/run/rollout-notices.ts';
import type { ChatHub } from '../chat-hub.ts';
import type { WindowSchedule } from '../../rollouts/window-outlook.ts';
import { type CardStore, loadApprovalCard } from './load-card.ts';
import { dryRunCard } from './dry-run-card.ts';
import { haltCard, statusCard } from './rollout-cards.ts';

/** The rollouts' notices as chat cards in the approvals channel, threaded under the change. */
export const rolloutNotices = ({
  store,
  hub,
  schedule,
  now = () => new Date(),
}: {
  store: CardStore;
  hub: Pick<ChatHub, 'broadcast' | 'refresh'>;
  /** The windows and blackouts the cards' *When* is worked out from. */
  schedule: WindowSchedule;
  now?: () => Date;
}): RolloutNotices => ({
  status: (change, title, text) => hub.broadcast([{ channel: 'approvals', card: statusCard(change, title, text) }]),
  halted: (change, reason, failed) => hub.broadcast([{ channel: 'approvals', card: haltCard(change, reason, failed) }]),
  dryRun: (change, title, hosts) => hub.broadcast([{ channel: 'approvals', card: dryRunCard(change, title, hosts) }]),
  proposed: async (change) => hub.broadcast([{ channel: 'approvals', card: await loadApprovalCard(store, change, { schedule, now: now() }) }]),
  async refresh(changeId) {
    const change = await store.changes.get(changeId);
    if (change) await hub.refresh(`change:${changeId}`, await loadApprovalCard(store, change, { schedule, now: now() }));
  },
});
