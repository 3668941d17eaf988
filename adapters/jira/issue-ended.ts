import { z } from 'zod';
import type { TicketEnded } from '../../src/tickets/ticketing.ts';
import type { JiraClient } from './client.ts';
import { isFinished, type JiraSteps, phaseOfStatus } from './workflow.ts';

const Author = z.object({ displayName: z.string().optional(), accountId: z.string().optional(), name: z.string().optional() }).passthrough();

/** GET issue/{key}?fields=status,resolution&expand=changelog, as much of it as patchbot reads. */
export const IssueWithChangelog = z.object({
  fields: z.object({
    status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).optional() }),
    resolution: z.object({ name: z.string() }).nullish(),
  }),
  changelog: z
    .object({
      histories: z.array(
        z.object({
          author: Author.optional(),
          created: z.string().optional(),
          items: z.array(z.object({ field: z.string(), toString: z.string().nullish() }).passthrough()),
        }),
      ),
    })
    .optional(),
});
export type IssueWithChangelog = z.infer<typeof IssueWithChangelog>;

/** A resolution that says the change was turned down rather than withdrawn. */
const REFUSED = /^(declined|rejected)$/i;

/**
 * How an issue found in the Done category ended, or null when it is open. Declined (patchbot's
 * `declined` status, or a Declined/Rejected resolution) is a rejection; any other Done status
 * (Canceled, or Completed/Failed/Closed set by hand before any approval) is a cancellation: no
 * approval will come from the issue any more. Who and when come from the changelog entry that
 * moved the issue into its status, by the Jira account that made it; none found, none said.
 */
export const endedOf = (issue: IssueWithChangelog, steps: JiraSteps, cloud: boolean): TicketEnded | null => {
  const { status, resolution } = issue.fields;
  const phase = phaseOfStatus(status.name, steps);
  if (!(status.statusCategory?.key === 'done' || isFinished(phase))) return null;
  const refused = phase === 'declined' || REFUSED.test(resolution?.name ?? '');
  const moved = (issue.changelog?.histories ?? [])
    .filter((h) => h.items.some((i) => i.field === 'status' && i.toString === status.name))
    .sort((a, b) => Date.parse(a.created ?? '') - Date.parse(b.created ?? ''))
    .at(-1);
  const author = moved?.author;
  const id = (cloud ? author?.accountId : (author?.name ?? author?.accountId)) || null;
  const shown = author?.displayName || null;
  return {
    outcome: refused ? 'rejected' : 'cancelled',
    state: resolution?.name && resolution.name !== status.name ? `${status.name} (${resolution.name})` : status.name,
    by: shown && id ? `${shown} (${id})` : (shown ?? id),
    at: moved?.created ?? null,
  };
};

/** Reads the issue's status, resolution and changelog, and says how it ended (null: still open). */
export const readEnded = async (jira: JiraClient, key: string, steps: JiraSteps): Promise<TicketEnded | null> => {
  const issue = await jira.call(IssueWithChangelog, `reading the status of ${key}`, {
    method: 'GET',
    url: `${jira.api}/issue/${key}`,
    params: { fields: 'status,resolution', expand: 'changelog' },
  });
  return endedOf(issue, steps, jira.cloud);
};
