import { z } from 'zod';
import type { JiraClient } from './client.ts';

const Author = z.object({ displayName: z.string().optional(), accountId: z.string().optional(), name: z.string().optional() }).passthrough();

/** One changelog entry (a "history"): who changed the issue, when, and which fields. */
export const History = z.object({
  author: Author.optional(),
  created: z.string().optional(),
  items: z.array(z.object({ field: z.string(), toString: z.string().nullish() }).passthrough()),
});
export type History = z.infer<typeof History>;

/** GET issue/{key}/changelog (PageBeanChangelog): oldest first, at most 100 per page. */
const ChangelogPage = z.object({ startAt: z.number(), total: z.number(), isLast: z.boolean().optional(), values: z.array(History) });

/** The paged endpoint's largest page. */
export const CHANGELOG_PAGE = 100;

/** The newest entry that moved the issue into `status`, or null. */
export const latestMoveTo = (histories: readonly History[], status: string): History | null =>
  histories
    .filter((h) => h.items.some((i) => i.field === 'status' && i.toString === status))
    .sort((a, b) => Date.parse(a.created ?? '') - Date.parse(b.created ?? ''))
    .at(-1) ?? null;

/**
 * The move into `status` read from the paged changelog, for an issue whose embedded changelog
 * (expand=changelog) Jira Cloud cut short: it embeds about 100 entries of `total`, so the move
 * that cancelled a change can be missing after a busy history (a bot editing fields, many
 * comments' worth of edits). The pages run oldest first; the newest move is what counts, so the
 * last page is read first (on to its real end: entries may have been added since `total` was
 * read), and earlier pages only while no move into the status has been found.
 */
export const findMoveInChangelog = async (jira: JiraClient, key: string, status: string, total: number): Promise<History | null> => {
  const what = `reading the changelog of ${key}`;
  /** Entries from `from` up to `to` (exclusive), or to the end when `to` is null. */
  const read = async (from: number, to: number | null): Promise<History[]> => {
    const entries: History[] = [];
    for (let at = from; to === null || at < to;) {
      const maxResults = to === null ? CHANGELOG_PAGE : Math.min(CHANGELOG_PAGE, to - at);
      const page = await jira.call(ChangelogPage, what, { method: 'GET', url: `${jira.api}/issue/${key}/changelog`, params: { startAt: at, maxResults } });
      entries.push(...page.values);
      at += page.values.length;
      // An empty page ends it too: Jira may shorten a page, never return nothing before the end.
      if (page.values.length === 0 || (to === null && (page.isLast ?? at >= page.total))) break;
    }
    return entries;
  };
  let from = Math.max(0, total - CHANGELOG_PAGE);
  let found = latestMoveTo(await read(from, null), status);
  while (!found && from > 0) {
    const to = from;
    from = Math.max(0, to - CHANGELOG_PAGE);
    found = latestMoveTo(await read(from, to), status);
  }
  return found;
};
