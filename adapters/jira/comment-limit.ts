/**
 * Jira refuses a comment over its text limit (`jira.text.field.character.limit`, 32,767 by
 * default) with 400 `{"errors":{"comment":"The entered text is too long. It exceeds the allowed
 * limit of 32767 characters."}}`, and a refused update is not retried: the event would never
 * reach the ticket. So a long note (a halt reason with host output, a summary naming many hosts)
 * is shortened to fit. On Cloud the ADF document is counted as sent, JSON and all: more than Jira
 * counts, so the rich text is never what tips a comment over. The stamp line always stays whole:
 * it is how a retry recognises the event.
 */
export const COMMENT_LIMIT = 32_767;

const STAMP_LINE = '\n[patchbot event ';
const sizeOf = (body: unknown): number => (typeof body === 'string' ? body.length : JSON.stringify(body).length);

/** The comment body for `text` (a stamped note), shortened before its stamp when it would not fit. */
export const fittedComment = (text: string, render: (text: string) => unknown, limit = COMMENT_LIMIT): unknown => {
  const body = render(text);
  if (sizeOf(body) <= limit) return body;
  const at = text.lastIndexOf(STAMP_LINE);
  const [head, tail] = at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at)];
  const shortened = (keep: number) =>
    render(`${head.slice(0, keep)}… [shortened by patchbot to fit Jira's ${limit}-character limit: ${head.length - keep} of ${head.length} characters left out]${tail}`);
  // The longest head that fits, by bisection: markup and JSON escapes make the body grow faster
  // than the text (Data Center's wiki escaping doubles every dash), so no one ratio predicts it.
  let [fits, tooLong] = [0, head.length];
  while (tooLong - fits > 1) {
    const mid = Math.floor((fits + tooLong) / 2);
    if (sizeOf(shortened(mid)) <= limit) fits = mid;
    else tooLong = mid;
  }
  // Never split a surrogate pair: a lone half is not valid text.
  if (fits > 0 && /[\uD800-\uDBFF]/.test(head.charAt(fits - 1))) fits -= 1;
  return shortened(fits);
};
