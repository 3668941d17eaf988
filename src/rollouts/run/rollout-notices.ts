import type { Change } from '../../changes/change.ts';
import type { DryRunCommands } from '../dry-run-commands.ts';
import type { HostRun } from '../rollout-store.ts';

/**
 * What a rollout tells people, in its own words. The chat feature turns each notice into a card in
 * the change's thread (src/chat/changes/rollout-notices.ts), so src/rollouts builds no card.
 */
export interface RolloutNotices {
  /** A short status in the change's thread: waiting for a window, a wave started or done. */
  status(change: Change, title: string, text: string): Promise<void>;
  /** The change halted: why, which hosts failed, and the ways on (resume, roll back, abort). */
  halted(change: Change, reason: string, failed: readonly HostRun[]): Promise<void>;
  /** A wave ran in dry run: the exact commands each host would have run (one fold per host). */
  dryRun(change: Change, title: string, hosts: readonly DryRunCommands[]): Promise<void>;
  /** A recurring proposal was made: it asks for approval like any other. */
  proposed(change: Change): Promise<void>;
  /** The change's own card (its one live view) shows something new: redraw it in place. */
  refresh(changeId: string): Promise<void>;
}
