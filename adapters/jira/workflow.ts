import type { TicketPhase } from '../../src/tickets/lifecycle.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { Transition } from './schema.ts';

/** For each phase, the transition patchbot asks for and the status it leads to. */
export interface JiraStep {
  transition: string;
  status: string;
}
export type JiraSteps = Record<TicketPhase, JiraStep>;

/** The names docs/itsm.md asks the change workflow to use. Ids differ per workflow, so never ids. */
export const DEFAULT_STEPS: JiraSteps = {
  'awaiting-approval': { transition: 'Request approval', status: 'Awaiting approval' },
  scheduled: { transition: 'Schedule', status: 'Scheduled' },
  implementing: { transition: 'Implement', status: 'Implementing' },
  review: { transition: 'Review', status: 'In review' },
  completed: { transition: 'Complete', status: 'Completed' },
  failed: { transition: 'Fail', status: 'Failed' },
  canceled: { transition: 'Cancel', status: 'Canceled' },
  declined: { transition: 'Decline', status: 'Declined' },
};

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The phase an issue in `status` is in; null for a status patchbot does not know (the initial one). */
export const phaseOfStatus = (status: string, steps: JiraSteps): TicketPhase | null =>
  (Object.entries(steps) as [TicketPhase, JiraStep][]).find(([, step]) => same(step.status, status))?.[0] ?? null;

const LADDER: TicketPhase[] = ['awaiting-approval', 'scheduled', 'implementing', 'review'];
const DONE = new Set<TicketPhase>(['completed', 'failed', 'canceled', 'declined']);

/** A phase whose issue only takes comments (statuses patchbot knows; Done-category ones it does not are finished too). */
export const isFinished = (phase: TicketPhase | null): boolean => phase !== null && DONE.has(phase);

/**
 * The phases to transition through, in order, from `current` to `target`: Jira moves one
 * transition at a time, so a change completed straight from Scheduled goes through Implementing.
 * Empty when already there or past it; a finished issue only takes comments, with one exception:
 * a completed change later backed out becomes Failed, as ServiceNow closes it unsuccessful.
 * `done` says the status is in the Done category: a status patchbot does not know (a
 * "Closed" someone moved it to by hand) is finished too, not a place to start from.
 */
export const phasePath = (current: TicketPhase | null, target: TicketPhase, done = false): TicketPhase[] => {
  if (current === 'completed' && target === 'failed') return [target];
  if (current === target || (current && DONE.has(current)) || (current === null && done)) return [];
  if (target === 'canceled' || target === 'declined') return [target];
  const at = current ? LADDER.indexOf(current) : -1;
  if (target === 'awaiting-approval') return at < 0 ? [target] : [];
  // From the initial status a change goes straight to Scheduled unless approval was requested.
  const from = Math.max(at, 0);
  const to = LADDER.indexOf(target);
  if (to >= 0) return to > from ? LADDER.slice(from + 1, to + 1) : [];
  if (current === 'review') return [target];
  const implementing = LADDER.indexOf('implementing');
  return [...(implementing > from ? LADDER.slice(from + 1, implementing + 1) : []), target];
};

/** By name first; else the one leading to the wanted status (a workflow whose transition is named otherwise). */
export const pickTransition = (available: Transition[], step: JiraStep): Transition | null =>
  available.find((t) => same(t.name, step.transition)) ?? available.find((t) => t.to !== undefined && same(t.to.name, step.status)) ?? null;

export const missingTransition = (key: string, status: string, step: JiraStep, available: Transition[]): TicketingError => {
  const names = available.length ? available.map((t) => `"${t.name}"`).join(', ') : 'none';
  return new TicketingError(
    'rejected',
    'jira',
    `${key} is in status "${status}", which has no transition "${step.transition}" (or any leading to "${step.status}"); available: ${names}. Name the workflow's transitions as docs/itsm.md lists them, or map patchbot's names to yours.`,
  );
};
