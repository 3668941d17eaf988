import type { ChangeClass } from '../../src/changes/change.ts';
import type { TicketPhase } from '../../src/tickets/lifecycle.ts';

/** change_request.state codes (reference/integrations.md §3.2). */
export const STATE = {
  new: '-5',
  assess: '-4',
  authorize: '-3',
  scheduled: '-2',
  implement: '-1',
  review: '0',
  closed: '3',
  canceled: '4',
} as const;
export type StateCode = (typeof STATE)[keyof typeof STATE];

const LABELS: Record<string, string> = {
  '-5': 'New',
  '-4': 'Assess',
  '-3': 'Authorize',
  '-2': 'Scheduled',
  '-1': 'Implement',
  '0': 'Review',
  '3': 'Closed',
  '4': 'Canceled',
};
export const stateLabel = (code: string): string => LABELS[code] ?? `state ${code}`;

/**
 * The default state models: the instance's business rules let a change move one step along its
 * type's path (or to Canceled), so patchbot walks the path one PATCH per step. Standard changes
 * are pre-approved and skip Assess and Authorize; emergency changes skip Assess.
 */
const PATHS: Record<ChangeClass, StateCode[]> = {
  normal: [STATE.new, STATE.assess, STATE.authorize, STATE.scheduled, STATE.implement, STATE.review, STATE.closed],
  emergency: [STATE.new, STATE.authorize, STATE.scheduled, STATE.implement, STATE.review, STATE.closed],
  standard: [STATE.new, STATE.scheduled, STATE.implement, STATE.review, STATE.closed],
};

const asType = (type: string): ChangeClass => (type === 'emergency' || type === 'standard' ? type : 'normal');

/** The state a phase means for a change of this type; null when the type has no such state. */
export const stateFor = (phase: TicketPhase, type: string): StateCode | null => {
  switch (phase) {
    case 'awaiting-approval':
      return { normal: STATE.assess, emergency: STATE.authorize, standard: null }[asType(type)];
    case 'scheduled':
      return STATE.scheduled;
    case 'implementing':
      return STATE.implement;
    case 'review':
      return STATE.review;
    case 'completed':
    case 'failed':
      return STATE.closed;
    case 'canceled':
    case 'declined':
      return STATE.canceled;
  }
};

export const isTerminal = (code: string): boolean => code === STATE.closed || code === STATE.canceled;

/**
 * The states to PATCH through, in order, to get from `from` to `to`; empty when the change is
 * already there, already past it, or closed (a closed change only takes notes).
 */
export const pathBetween = (type: string, from: string, to: StateCode): StateCode[] => {
  if (from === to || isTerminal(from)) return [];
  if (to === STATE.canceled) return [STATE.canceled];
  const path = PATHS[asType(type)];
  const i = path.indexOf(from as StateCode);
  const j = path.indexOf(to);
  if (j < 0) return [];
  // A state off the model (a custom one) counts as the start: walk the whole way.
  return j > i ? path.slice(i + 1, j + 1) : [];
};
