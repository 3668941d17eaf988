import type { Intent } from '../../chat/intent.ts';
import { commandOf, isPaged, PAGED_KINDS } from '../../chat/paged-intent.ts';
import { MAX_PAGE, pageCommand } from '../../chat/paging.ts';
import { understand } from '../../chat/understand.ts';

/** `--page N` as a page number, or why not, in the CLI's words (chat says `page N`). */
export const pageFlag = (value: string): { page: number } | { error: string } => {
  const shown = JSON.stringify(value.slice(0, 20));
  if (!/^\d+$/.test(value)) return { error: `--page ${shown} is not a page number: pages are 1, 2, 3…` };
  const page = Number(value);
  if (page < 1) return { error: '--page 0: pages count from 1 (--page 1 is the first).' };
  if (page > MAX_PAGE) return { error: `--page ${shown} is past any list: pages go up to ${MAX_PAGE.toLocaleString('en-US')}.` };
  return { page };
};

/** Intents are flat records: the same fields with the same values, in any order. */
const same = (a: Intent, b: Intent) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The chat text that asks `text` for page `value` (`--page`): the text with `page N` after it, as
 * chat takes it, so the answer, its hints and `--json` are exactly what `… page N` gives. Refused
 * for an answer without lists (`approve CHG-7 page 2` would be a comment) and for a text that asks
 * for another page itself. A text nobody understands goes on unchanged: its answer says so.
 */
export const pagedText = (text: string, value: string | undefined): { text: string } | { error: string } => {
  if (value === undefined) return { text };
  const flag = pageFlag(value);
  if ('error' in flag) return flag;
  const understood = understand(text, 'question');
  if (!understood.ok || !understood.understood) return { text };
  const { intent } = understood;
  if (!isPaged(intent)) return { error: `--page is for the answers with lists (${PAGED_KINDS.join(', ')}); \`${intent.kind}\` has none.` };
  if (intent.page !== undefined && intent.page !== flag.page) return { error: `the question asks for page ${intent.page} and --page for ${flag.page}: give the page once.` };
  if (intent.page !== undefined) return { text };
  const wanted = { ...intent, page: flag.page };
  // Said with a page after it, some questions no longer read the same ("what's pending, thanks page 2"): then the command that asks the same.
  for (const candidate of [`${text} page ${flag.page}`, pageCommand(commandOf(intent), flag.page)]) {
    const again = understand(candidate, 'question');
    if (again.ok && same(again.intent, wanted)) return { text: candidate };
  }
  return { text: pageCommand(commandOf(intent), flag.page) };
};
