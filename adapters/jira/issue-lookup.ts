import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import type { OpenedTicket, TicketRef } from '../../src/tickets/ticketing.ts';
import type { JiraClient } from './client.ts';
import { changeLabel } from './issue-fields.ts';
import { SearchResult } from './schema.ts';

/** First pause between searches while waiting out the index; doubles, bounded by the lag. */
const FIRST_PAUSE_MS = 250;

export interface LookupOptions {
  /** How long search may lag a create (Cloud's search/jql is eventually consistent: seconds to minutes). */
  searchLagMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Finds a change's issue by its label, oldest first. Cloud's /search/jql does not show a write at
 * once, so `consistent` (asked after a create whose answer may have been lost) searches again with
 * a doubling pause until the configured lag has passed: a miss then means no issue was created.
 * Two or more hits (a create repeated before this existed, or a lag longer than configured) keep
 * the oldest and name the others as duplicates.
 */
export const issueLookup = (jira: JiraClient, config: Pick<JiraConfig, 'projectKey'>, refOf: (key: string) => TicketRef, options: LookupOptions) => {
  const sleep = options.sleep ?? pause;
  const search = async (changeId: string): Promise<string[]> => {
    const label = changeLabel(changeId);
    const { issues } = await jira.call(SearchResult, `looking up the Jira issue of ${changeId}`, {
      method: 'GET',
      url: jira.cloud ? `${jira.api}/search/jql` : `${jira.api}/search`,
      params: { jql: `project = "${config.projectKey}" AND labels = "${label}" ORDER BY created ASC`, fields: 'labels', maxResults: 5 },
    });
    return issues.filter((issue) => issue.fields?.labels?.includes(label)).map((issue) => issue.key);
  };

  return async (changeId: string, consistent: boolean): Promise<OpenedTicket | null> => {
    let keys = await search(changeId);
    let waited = 0;
    for (let wait = FIRST_PAUSE_MS; consistent && keys.length === 0 && waited < options.searchLagMs; wait *= 2) {
      const step = Math.min(wait, options.searchLagMs - waited);
      await sleep(step);
      waited += step;
      keys = await search(changeId);
    }
    const [oldest, ...others] = keys;
    if (!oldest) return null;
    return { ...refOf(oldest), ...(others.length ? { duplicates: others } : {}) };
  };
};
