import type { Change, ChangeState } from '../changes/change.ts';
import type { ChangeFollowers } from '../changes/change-moves.ts';
import type { ChangeRepos } from '../changes/change-store.ts';
import { ranDry } from '../rollouts/dry-run-commands.ts';
import type { HostRun, RolloutRepos } from '../rollouts/rollout-store.ts';
import type { OutboxEvent } from './ticket-outbox.ts';
import type { TicketRepos } from './ticket-store.ts';

/**
 * What a change ticket hears, decided inside the transaction that moved the change (DESIGN §6):
 * the entry commits with the transition or not at all. A rollback is its own linked change
 * (DESIGN §3) but has no ticket of its own: its story goes onto its parent's ticket as notes, and
 * the parent's `rolled-back` closes it.
 */

type Data = Record<string, unknown>;

/** What deciding and appending an event reads and writes, inside the move's transaction. */
export type OutboxTx = Pick<ChangeRepos, 'changes'> & RolloutRepos & Pick<TicketRepos, 'ticketOutbox'>;

const FAILED: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing', 'accepted'];
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const names = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length ? value : null);

/** True when a host run was only printed (execution.dryRun when it ran): the ticket must not claim a patch. */
const wasDryRun = ranDry;
const OK: readonly HostRun['state'][] = ['verified', 'applied', 'dry-run'];

/**
 * "3 of 4 hosts patched, 1 already had it; completed with 1 failed host (web-02: …)" from the
 * recorded host runs; a dry run's hosts "would be patched", never patched. A host that needed none
 * of the patches is counted apart, as the wave notes do: it was not patched, and a ticket closing
 * "2 of 2 hosts patched" when nothing was installed is not the truth.
 */
export const runsSummary = (runs: readonly HostRun[], done: 'patched' | 'restored'): string => {
  const dryRun = runs.some(wasDryRun);
  const ok = runs.filter((r) => OK.includes(r.state));
  const had = runs.filter((r) => r.state === 'not-needed').length;
  const failed = runs.filter((r) => FAILED.includes(r.state));
  const why = failed.map((r) => `${r.host}${r.error ? `: ${r.error}` : ''}`).join('; ');
  const rest = `${had ? `, ${had} already had it` : ''}${failed.length ? `; ${plural(failed.length, 'failed host')} (${why})` : ''}`;
  // Switched to dry run part-way (an operator stopping it): the first hosts were changed for real.
  const would = ok.filter((r) => r.state === 'dry-run' || wasDryRun(r)).length;
  if (dryRun && would < ok.length) {
    return `${ok.length - would} of ${plural(runs.length, 'host')} ${done}, ${would} would be ${done} (dry run)${rest}. Dry run for the hosts that only printed their commands: nothing was changed on them.`;
  }
  const verb = dryRun ? `would be ${done} (dry run)` : done;
  const dry = dryRun ? ' Dry run: nothing was changed on the hosts.' : '';
  return `${ok.length} of ${plural(runs.length, 'host')} ${verb}${rest}.${dry}`;
};

/** The wave note's counts: verified hosts, failed ones, and hosts that needed none of the patches. */
export const waveEvent = (wave: number, of: number, runs: readonly HostRun[]): OutboxEvent => ({
  kind: 'wave',
  wave,
  of,
  ok: runs.filter((r) => r.state === 'verified' || r.state === 'applied' || r.state === 'dry-run').length,
  failed: runs.filter((r) => FAILED.includes(r.state)).length,
  skipped: runs.filter((r) => r.state === 'not-needed').length,
  ...(runs.some(wasDryRun) ? { dryRun: true } : {}),
});

const note = (value: string): OutboxEvent => ({ kind: 'note', text: value });

const running = (from: ChangeState, actor: string, data: Data): OutboxEvent => {
  if (from === 'scheduled') return note(`Implementation started${text(data.window) ? `: ${text(data.window)}` : '.'}`);
  const by = actor === 'patchbot' ? '' : ` by ${actor}`;
  const past = names(data.accepted);
  return note(`Resumed${by}${past ? `, going on past failed hosts: ${past.join(', ')}` : ''}${text(data.window) ? ` (${text(data.window)})` : '.'}`);
};

/** The event a transition of a change with its own ticket means; null for the ones a ticket does not hear. */
const changeEvent = async (tx: OutboxTx, change: Change, from: ChangeState, to: ChangeState, actor: string, data: Data): Promise<OutboxEvent | null> => {
  switch (to) {
    case 'pending-approval':
      return { kind: 'proposed' };
    case 'approved': {
      const reason = text(data.reason);
      return { kind: 'approved', approvers: names(data.approvers) ?? names(data.approvals) ?? [reason ? `${actor} (${reason})` : actor] };
    }
    case 'rejected':
      return { kind: 'rejected', by: names(data.rejections) ?? [actor], reason: text(data.reason) };
    case 'expired':
      return { kind: 'expired' };
    case 'running':
      return running(from, actor, data);
    case 'paused':
      return note(actor === 'patchbot' ? `Paused until its next window${text(data.reason) ? `: ${text(data.reason)}` : '.'}` : `Paused by ${actor}: no new host starts until it is resumed.`);
    case 'halted':
      return { kind: 'halted', reason: text(data.reason) ?? `halted by ${actor}` };
    case 'completed': {
      const runs = await tx.rollouts.runs(change.id);
      const failed = runs.filter((r) => FAILED.includes(r.state)).length;
      const head = failed ? `completed with ${plural(failed, 'failed host')}: ` : '';
      return { kind: 'completed', outcome: 'successful', summary: `${head}${runsSummary(runs, 'patched')}`, postReview: change.postReview };
    }
    case 'failed': {
      // The hosts' story goes with the reason, so the ticket says which failed and why.
      const runs = await tx.rollouts.runs(change.id);
      const reason = text(data.reason) ?? `the change failed (${actor})`;
      return { kind: 'completed', outcome: 'unsuccessful', summary: runs.length ? `${reason}. ${runsSummary(runs, 'patched')}` : reason, postReview: change.postReview };
    }
    case 'cancelled':
      return { kind: 'cancelled', by: actor, reason: text(data.reason) };
    case 'rolled-back': {
      const by = text(data.by);
      const restored = by ? `${by} ran the backout: ${runsSummary(await tx.rollouts.runs(by), 'restored')}` : `rolled back by ${actor}.`;
      return { kind: 'rolled-back', summary: restored };
    }
    case 'scheduled':
    case 'draft':
      // Scheduling is the approval's own move on the ticket; nothing new to say.
      return null;
  }
};

/** A rollback's transitions, as notes on its parent's ticket. */
const rollbackEvent = async (tx: OutboxTx, change: Change, from: ChangeState, to: ChangeState, actor: string, data: Data): Promise<OutboxEvent | null> => {
  const reason = text(data.reason);
  switch (to) {
    case 'pending-approval':
      return note(`Backout requested by ${actor} as ${change.id}: ${change.title}.`);
    case 'running':
      // The start decision's words go along: a backout that overrode a blackout says which.
      return note(`Backout ${change.id} ${from === 'scheduled' ? 'started' : 'resumed'}${text(data.window) ? `: ${text(data.window)}` : '.'}`);
    case 'completed':
      return note(`Backout ${change.id} completed: ${runsSummary(await tx.rollouts.runs(change.id), 'restored')}`);
    case 'failed':
      return note(`Backout ${change.id} failed${reason ? `: ${reason}` : ''}. ${runsSummary(await tx.rollouts.runs(change.id), 'restored')}`);
    case 'halted':
    case 'cancelled':
    case 'paused':
      return note(`Backout ${change.id} ${to}${reason ? `: ${reason}` : ` (${actor}).`}`);
    default:
      return null;
  }
};

const appendFor = async (tx: OutboxTx, change: Change, event: OutboxEvent, at: Date): Promise<void> => {
  await tx.ticketOutbox.append({ ticketOf: change.parentId ?? change.id, changeId: change.id, event, at });
};

/** Called through ticketOutboxFollower, in the move's transaction, after the move is written. */
export const appendTransitionEvent = async (tx: OutboxTx, changeId: string, from: ChangeState, to: ChangeState, actor: string, at: Date, data: Data): Promise<void> => {
  const change = await tx.changes.get(changeId);
  if (!change) return;
  const event = await (change.parentId ? rollbackEvent : changeEvent)(tx, change, from, to, actor, data);
  if (event) await appendFor(tx, change, event, at);
};

/** Called where a wave finishes (its verdicts are in), in the rollout's transaction. */
export const appendWaveEvent = async (tx: OutboxTx, change: Change, wave: number, of: number, runs: readonly HostRun[], at: Date): Promise<void> => {
  const event = waveEvent(wave, of, runs);
  if (change.parentId && event.kind === 'wave') {
    return appendFor(
      tx,
      change,
      note(
        `Backout ${change.id}: wave ${wave} of ${of} done${event.dryRun ? ' (dry run)' : ''}: ${event.ok} ${event.dryRun ? 'would be restored' : 'restored'}, ${event.failed} failed, ${event.skipped} skipped.`,
      ),
      at,
    );
  }
  return appendFor(tx, change, event, at);
};

/**
 * Ticket sync follows every change (src/changes declares the port so it knows no ticket): each
 * move's event joins its ticket's outbox in the move's own transaction.
 */
export const ticketOutboxFollower = (tx: OutboxTx): ChangeFollowers => ({
  moved: (move) => appendTransitionEvent(tx, move.changeId, move.from, move.to, move.actor, move.at, move.data),
});
