import { fitNote } from '../../src/tickets/fit-note.ts';

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

/** The comment body for `text` (a stamped note), shortened before its stamp when it would not fit. */
export const fittedComment = (text: string, render: (text: string) => unknown, limit = COMMENT_LIMIT): unknown => fitNote(text, render, limit, `Jira's ${limit}-character limit`);
