import type { TicketDraft } from './ticketing.ts';

/**
 * A ticket's text as a few neutral blocks. Adapters render them: plain text for ServiceNow, ADF for
 * Jira Cloud, wiki markup for Jira Data Center. Nothing here knows those formats.
 */
export type DocBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  /** Commands: shown verbatim, never interpreted as markup. */
  | { kind: 'code'; text: string };

/** Host names listed in a description before "… and N more" (Jira caps a description at 32 767 chars). */
export const MAX_LISTED_HOSTS = 100;

const pad = (n: number) => String(n).padStart(2, '0');
export const utcText = (at: Date): string => `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;

const spanText = (start: Date, end: Date | null) => (end ? `${utcText(start)} to ${utcText(end)}` : `From ${utcText(start)}`);

export const windowText = (draft: Pick<TicketDraft, 'plannedStart' | 'plannedEnd' | 'when'>): string => {
  if (draft.when) {
    const when = `${draft.when.charAt(0).toUpperCase()}${draft.when.slice(1)}`;
    return draft.plannedStart ? `${when}. Planned: ${spanText(draft.plannedStart, draft.plannedEnd)}.` : `${when}.`;
  }
  if (!draft.plannedStart) return 'Now: no maintenance window (runs as soon as it is approved).';
  return spanText(draft.plannedStart, draft.plannedEnd);
};

const hostBlocks = (draft: TicketDraft): DocBlock[] => {
  const blocks: DocBlock[] = [];
  let budget = MAX_LISTED_HOSTS;
  for (const { group, hosts } of draft.hosts) {
    const shown = hosts.slice(0, Math.max(0, budget));
    budget -= shown.length;
    const more = hosts.length - shown.length;
    blocks.push({ kind: 'paragraph', text: `${group} (${hosts.length} host${hosts.length === 1 ? '' : 's'})` });
    const items = more > 0 ? [...shown, `… and ${more} more`] : shown;
    if (items.length) blocks.push({ kind: 'list', ordered: false, items });
  }
  return blocks.length ? blocks : [{ kind: 'paragraph', text: 'No hosts.' }];
};

/** A plan as an ordered list of steps, or a sentence saying there is none. */
export const planBlocks = (steps: string[], none: string): DocBlock[] => (steps.length ? [{ kind: 'list', ordered: true, items: steps }] : [{ kind: 'paragraph', text: none }]);

/** What a plan section says when the playbook has no such steps. */
export const NO_PLAN = { implementation: 'No steps.', backout: 'No rollback steps: the playbook cannot be backed out automatically.', test: 'No smoke checks.' };

/**
 * The ticket description. `withPlans` false leaves the plans out, for systems that hold them in
 * their own fields (ServiceNow's implementation_plan, backout_plan, test_plan).
 */
export const draftDocument = (draft: TicketDraft, withPlans: boolean): DocBlock[] => {
  const paragraphs = draft.description
    .split(/\n\s*\n/)
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text): DocBlock => ({ kind: 'paragraph', text }));
  const blocks: DocBlock[] = [...paragraphs, { kind: 'heading', text: 'Hosts' }, ...hostBlocks(draft), { kind: 'heading', text: 'Window' }, { kind: 'paragraph', text: windowText(draft) }];
  if (withPlans) {
    blocks.push(
      { kind: 'heading', text: 'Implementation plan' },
      ...planBlocks(draft.implementationPlan, NO_PLAN.implementation),
      { kind: 'heading', text: 'Backout plan' },
      ...planBlocks(draft.backoutPlan, NO_PLAN.backout),
      { kind: 'heading', text: 'Test plan' },
      ...planBlocks(draft.testPlan, NO_PLAN.test),
    );
  }
  blocks.push(
    { kind: 'heading', text: 'Risk and impact' },
    { kind: 'paragraph', text: `Risk ${draft.risk}, impact ${draft.impact}, ${draft.changeClass} change.` },
    { kind: 'paragraph', text: `Opened by patchbot for change ${draft.changeId}.` },
  );
  return blocks;
};

/** Plain text: what ServiceNow's text fields and notes hold. */
export const plainText = (blocks: DocBlock[]): string =>
  blocks
    .map((block) => {
      switch (block.kind) {
        case 'heading':
          return `${block.text}:`;
        case 'paragraph':
        case 'code':
          return block.text;
        case 'list':
          return block.items.map((item, i) => (block.ordered ? `${i + 1}. ${item}` : `- ${item}`)).join('\n');
      }
    })
    .join('\n\n');
