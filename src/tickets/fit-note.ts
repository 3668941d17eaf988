/**
 * Shortens a note to what an ITSM field takes, so the ITSM neither refuses the update (a refused
 * update is not retried: the event would never reach the ticket) nor cuts it where the stamp is.
 * `render` turns text into what is sent (an ADF document, wiki markup, plain text) and the size is
 * measured on that, JSON and all. The stamp line always stays whole: it is how a retry recognises
 * the event. `limitName` says whose limit it is, in the note ("Jira's 32767-character limit").
 */
const STAMP_LINE = '\n[patchbot event ';
const sizeOf = (body: unknown): number => (typeof body === 'string' ? body.length : JSON.stringify(body).length);

export const fitNote = <T>(text: string, render: (text: string) => T, limit: number, limitName: string): T => {
  const body = render(text);
  if (sizeOf(body) <= limit) return body;
  const at = text.lastIndexOf(STAMP_LINE);
  const [head, tail] = at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at)];
  const shortened = (keep: number) => render(`${head.slice(0, keep)}… [shortened by patchbot to fit ${limitName}: ${head.length - keep} of ${head.length} characters left out]${tail}`);
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
