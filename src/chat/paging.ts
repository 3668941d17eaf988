import { type CardAction, type CardList, CARD_LIMITS, clip } from './card.ts';
import type { SurfaceName } from './chat-surface.ts';

/**
 * Long lists in chat are read a page at a time. The store counts the whole list and returns only
 * the page asked for (LIMIT/OFFSET in SQL), and the card says how many are left and how to ask
 * for the next page where the person is: typed (`pending page 2`) or the card's Next button,
 * whose value is that same typed command, so a click is a question like any other.
 */

/** Items per page: one card list. */
export const PAGE_SIZE = CARD_LIMITS.listItems;
/** Past any list patchbot holds (100,000 hosts are 6,667 pages), and a small SQL offset. */
export const MAX_PAGE = 10_000;
/** The Next button's action id; its value is the next page's command (`missing KB1 in prod page 2`). */
export const PAGE_ACTION = 'answer.page';
/** A page's items are clipped so a full page always fits one Slack section: nothing shown is dropped by a renderer. */
const ITEM_CHARS = 160;

export interface Paging {
  /** From 1. */
  page: number;
  /** Where the person asked: the next page is offered in the words that surface takes. */
  surface: SurfaceName;
}

export const FIRST_PAGE: Paging = { page: 1, surface: 'console' };

/** `page N` → N, or why not: `page 0`, `page two`, `page 99999`. */
export const parsePage = (token: string): { page: number } | { error: string } => {
  if (!/^\d+$/.test(token)) return { error: `\`${clip(token, 20)}\` is not a page number: pages are 1, 2, 3…` };
  const page = Number(token);
  if (page < 1) return { error: 'Pages count from 1: `page 1` is the first.' };
  if (page > MAX_PAGE) return { error: `Page ${clip(token, 20)} is beyond any list: pages go up to ${MAX_PAGE.toLocaleString('en-US')}.` };
  return { page };
};

/** What to ask the store for: one page, or everything for the CLI (its `--json` is the whole list). */
export const windowOf = ({ page, surface }: Paging): { limit: number | null; offset: number } =>
  surface === 'cli' ? { limit: null, offset: 0 } : { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };

/** The page's items out of a list held whole (one host's findings, the recent changes, the groups). */
export const slicePage = <T>(items: readonly T[], page: number): T[] => items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);

/** The page's items out of what the store returned for `windowOf(paging)`: the page itself, or everything (the CLI). */
export const fromWindow = <T>(items: readonly T[], paging: Paging): T[] => (windowOf(paging).limit === null ? slicePage(items, paging.page) : items.slice(0, PAGE_SIZE));

/** A command as typed on this surface: Teams takes an @mention (no slash commands), the CLI its `ask`. */
export const asTyped = (surface: SurfaceName, command: string): string => {
  if (surface === 'teams') return `\`@patchbot ${command}\``;
  if (surface === 'cli') return `\`patchbot ask "${command}"\``;
  return `\`/patch ${command}\``;
};

export const pageCommand = (command: string, page: number): string => `${command} page ${page}`;

const n = (count: number) => count.toLocaleString('en-US');

/** "Page 9 is past the end: …", for a page after the last of a list of `total`. */
export const pastEnd = (total: number, { page, surface }: Paging, command: string): string => {
  const pages = Math.ceil(total / PAGE_SIZE);
  return `Page ${n(page)} is past the end: the list has ${n(total)}, ${pages === 1 ? 'one page' : `${n(pages)} pages`} of ${PAGE_SIZE}; the last is ${asTyped(surface, pageCommand(command, pages))}.`;
};

/**
 * One page of a list of `total` as a card list: the items, "16–30 of 40" in the heading after
 * the first page, and "+N more — next 15: `…page 3`" while any are left. `items` are the page's;
 * `whole` is where the CLI gets the whole list.
 */
export const pagedList = (items: readonly string[], total: number, paging: Paging, command: string, heading?: string, whole = `\`patchbot ask "${command}" --json\``): CardList => {
  const offset = (paging.page - 1) * PAGE_SIZE;
  const shown = items.slice(0, PAGE_SIZE).map((item) => clip(item, ITEM_CHARS));
  if (shown.length === 0 && total > 0) return { ...(heading ? { heading } : {}), items: [], more: pastEnd(total, paging, command) };
  const rest = Math.max(0, total - offset - shown.length);
  const range = paging.page > 1 && shown.length ? `${n(offset + 1)}–${n(offset + shown.length)} of ${n(total)}` : null;
  const title = [heading, range && heading ? `(${range})` : range].filter(Boolean).join(' ');
  const next = `next ${Math.min(rest, PAGE_SIZE)}: ${asTyped(paging.surface, pageCommand(command, paging.page + 1))}`;
  // A chat user has no shell: only the CLI is pointed at the whole list.
  const all = paging.surface === 'cli' ? `; all: ${whole}` : '';
  return { ...(title ? { heading: title } : {}), items: shown, ...(rest > 0 ? { more: `+${n(rest)} more — ${next}${all}` } : {}) };
};

/** The Next button, when any of the answer's lists (of these totals) goes on past this page: spread it into the card. */
export const nextPage = (paging: Paging, command: string, totals: readonly number[]): { actions?: CardAction[] } => {
  const rest = Math.max(0, ...totals.map((total) => total - paging.page * PAGE_SIZE));
  // The CLI shows no buttons; the last page (or one past it) has no next one.
  if (paging.surface === 'cli' || rest === 0) return {};
  return { actions: [{ id: PAGE_ACTION, label: `Next ${Math.min(rest, PAGE_SIZE)}`, style: 'default', value: pageCommand(command, paging.page + 1) }] };
};

/**
 * The lists of an answer whose page N is page N of each list: past the first page, a list that
 * has ended drops out; when all have, the longest says where the end was.
 */
export const pageLists = (page: number, paged: readonly { list: CardList; total: number }[]): CardList[] => {
  const going = paged.filter((p) => p.list.items.length > 0);
  const longest = [...paged].sort((a, b) => b.total - a.total).slice(0, 1);
  return (page === 1 ? paged : going.length ? going : longest).map((p) => p.list);
};
