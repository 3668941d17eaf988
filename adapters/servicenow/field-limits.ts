import { fitNote } from '../../src/tickets/fit-note.ts';

/**
 * How long patchbot's texts may be in ServiceNow's change_request fields. Every string field has
 * a dictionary `max_length`; the multi-line ones patchbot writes (`description`, the three plans,
 * `close_notes`) and the task journal `work_notes` have the platform's default for multi-line
 * text, 4,000 characters (ServiceNowDocs, platform-administration/t_TextFieldCharacterCounter,
 * whose character counter counts journal fields such as Work notes against it too). The platform does not refuse or cut a longer
 * value written through the API (KB0685779: columns over 255 characters are mediumtext), but the
 * instance's forms, counters and list views are built on `max_length`: a longer note is one
 * nobody can edit or see whole there. So patchbot keeps to it, shortening before the stamp, as
 * Jira's comment cap does; an instance whose dictionary allows more changes nothing here.
 */
export const SERVICENOW_TEXT_LIMIT = 4_000;

/** `text` fitted to `field`'s 4,000 characters, the stamp line kept whole. */
export const fittedText = (text: string, field: string, limit = SERVICENOW_TEXT_LIMIT): string => fitNote(text, (t) => t, limit, `ServiceNow's ${limit}-character ${field}`);
