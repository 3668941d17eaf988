import { z } from 'zod';
import type { TicketEnded } from '../../src/tickets/ticketing.ts';
import { findMoveInChangelog, History, latestMoveTo } from './changelog.ts';
import type { JiraClient } from './client.ts';
import { isFinished, type JiraSteps, phaseOfStatus } from './workflow.ts';

/**
 * GET issue/{key}?fields=status,resolution&expand=changelog, as much of it as patchbot reads.
 * `total` is how many entries the issue has; Cloud embeds only about 100 of them.
 */
export const IssueWithChangelog = z.object({
  fields: z.object({
    status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).optional() }),
    resolution: z.object({ name: z.string() }).nullish(),
  }),
  changelog: z.object({ total: z.number().optional(), histories: z.array(History) }).optional(),
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
  const moved = latestMoveTo(issue.changelog?.histories ?? [], status.name);
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
  const ended = endedOf(issue, steps, jira.cloud);
  const changelog = issue.changelog;
  // Cut short (Cloud embeds about 100 entries): the move into the status is read from the pages.
  if (!ended || !changelog?.total || changelog.histories.length >= changelog.total) return ended;
  const moved = await findMoveInChangelog(jira, key, issue.fields.status.name, changelog.total);
  return endedOf({ ...issue, changelog: { total: changelog.total, histories: moved ? [moved] : [] } }, steps, jira.cloud);
};
