/**
 * Card text is the light markdown chat shows, and patchbot marks commands and ids in it as code
 * with a pair of backticks (`` `pending` ``). Text from elsewhere — a patch title a scan found, a
 * voter's comment — may hold backticks of its own, and a surface could not tell its pairs from
 * patchbot's: Teams, which has no inline code and drops the marks, dropped a title's backticks
 * too. So such text goes into a card through hostText, its backticks escaped (`` \` ``), and every
 * surface shows an escaped backtick as the backtick it was (unescapeHostText) and never takes it
 * for a code mark (CODE_MARK).
 */
export const hostText = (text: string): string => text.replace(/`/g, '\\`');

/** Card text with host text's backticks as written: for a surface that shows it, after taking out the code marks. */
export const unescapeHostText = (text: string): string => text.replace(/\\`/g, '`');

/**
 * One of patchbot's code marks: a pair of backticks on one line that hostText did not escape,
 * around text that may hold escaped ones. Global: use with `replace` or `split` (one group, the text inside).
 */
export const CODE_MARK = /(?<!\\)`((?:\\`|[^`\n])+?)(?<!\\)`/g;
