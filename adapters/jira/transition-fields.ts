import type { TicketPhase } from '../../src/tickets/lifecycle.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { ScreenField, Transition } from './schema.ts';

/**
 * Resolutions that say how a change ended, by the phase it ends in, best first. Jira keeps an issue
 * "Unresolved" in a done status unless the transition sets one, and a transition screen may make
 * it required (POST …/transitions then answers 400 "Resolution is required.").
 */
const RESOLUTIONS: Partial<Record<TicketPhase, string[]>> = {
  completed: ['Done', 'Completed', 'Successful', 'Fixed', 'Resolved'],
  failed: ['Backed out', 'Failed', 'Unsuccessful', 'Rolled back'],
  canceled: ['Canceled', 'Cancelled', 'Withdrawn', "Won't Do", "Won't Fix"],
  declined: ['Declined', 'Rejected', "Won't Do", "Won't Fix"],
};

const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.toLowerCase();
const needed = (field: ScreenField) => field.required && !field.hasDefaultValue;

const resolutionFor = (key: string, transition: Transition, phase: TicketPhase, field: ScreenField): { id: string } | { name: string } | null => {
  const offered = field.allowedValues ?? [];
  const wanted = RESOLUTIONS[phase] ?? [];
  const match = wanted.map((name) => offered.find((o) => same(o.name, name))).find((o) => o !== undefined);
  if (match) return match.id ? { id: match.id } : { name: match.name! };
  if (!needed(field)) return null;
  const names = offered.map((o) => `"${o.name ?? o.id}"`).join(', ') || 'none';
  throw new TicketingError(
    'rejected',
    'jira',
    `${key}: transition "${transition.name}" requires a Resolution, and none of its options (${names}) says how a ${phase} change ended; add a resolution named ${wanted.map((w) => `"${w}"`).join(' or ') || 'for it'}, or set it with a post function and take it off the transition's screen`,
  );
};

/**
 * The `fields` of a transition request (GET …/transitions?expand=transitions.fields lists each
 * transition's screen). patchbot sets the resolution when the screen has one; any other required
 * field without a default is refused here, by name, rather than sent for Jira to refuse.
 */
export const transitionFields = (key: string, transition: Transition, phase: TicketPhase): Record<string, unknown> => {
  const fields: Record<string, unknown> = {};
  const unfillable: string[] = [];
  for (const [id, field] of Object.entries(transition.fields ?? {})) {
    if (id === 'resolution') {
      const resolution = resolutionFor(key, transition, phase, field);
      if (resolution) fields.resolution = resolution;
    } else if (needed(field)) unfillable.push(`${field.name ?? id} (${id})`);
  }
  if (unfillable.length) {
    throw new TicketingError(
      'rejected',
      'jira',
      `${key}: transition "${transition.name}" requires ${unfillable.join(', ')}, which patchbot cannot fill; give ${unfillable.length === 1 ? 'it a default' : 'them defaults'} or take ${unfillable.length === 1 ? 'it' : 'them'} off the transition's screen`,
    );
  }
  return fields;
};
