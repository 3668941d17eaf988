/**
 * C0 and C1 control characters (and DEL), which a terminal may act on: ESC starts escape sequences
 * (OSC 52 writes the clipboard, CSI 2K erases a line), U+009B is a one-character CSI. Text from a
 * managed host or any other outsider loses them before it is stored or printed (DESIGN §8).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ALL_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * Bidirectional formatting (embeddings, overrides, isolates, the directional marks): in an
 * outsider's text they reorder what a reader sees, so "installed 1.0" can show as something else
 * ("Trojan Source"). Right-to-left text reads correctly without them.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Unicode's line and paragraph separators: line breaks to many renderers, whatever a `\n` check says. */
const SEPARATORS = /[\u2028\u2029]/g;

/** True when `text` holds a control character other than `\t` and `\n`, bidi formatting or a Unicode line separator. */
export const hasControls = (text: string): boolean => text.search(CONTROLS) >= 0 || text.search(BIDI) >= 0 || text.search(SEPARATORS) >= 0;

/** `text` without control characters or bidi formatting; `\t` and `\n` stay (multi-line text may hold them), a Unicode line separator becomes `\n`. */
export const stripControls = (text: string): string => text.replace(CONTROLS, '').replace(BIDI, '').replace(SEPARATORS, '\n');

/**
 * One line of text: `\t`, `\n`, `\r` and Unicode's separators become a space (a title must not
 * start a new line in a list), every other control character and bidi formatting is removed.
 */
export const oneLine = (text: string): string =>
  text
    .replace(ALL_CONTROLS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : ''))
    .replace(BIDI, '')
    .replace(SEPARATORS, ' ');

/**
 * What may reach a terminal: `\t`, `\n` and `\r` (the CLI's progress bar redraws its line with it);
 * ESC, C1 and the other controls are removed, so no escape sequence gets through.
 */
export const forTerminal = (text: string): string => text.replace(TERMINAL_CONTROLS, '').replace(BIDI, '').replace(SEPARATORS, '\n');
