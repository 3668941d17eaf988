import { NotFoundError, PatchbotError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { CARD_LIMITS, clip } from './card.ts';
import type { ParseFailure } from './grammar.ts';
import type { Reply } from './reply.ts';

/** Card titles for the codes people meet most; anything else is "Can't do that". */
const TITLES: Record<string, string> = {
  'not-found': 'Not found',
  'vote-refused': 'Vote not counted',
  'illegal-transition': 'Not possible in this state',
  'concurrent-update': 'Someone else was faster',
  'rate-limited': 'Busy, retrying',
  'store-unavailable': 'Database unavailable',
  usage: "I didn't get that",
  'not-available': 'Not available yet',
  internal: 'Something went wrong',
};

/** Error text reaches a person: through the logs' scrubber first (an error may quote a URL with its password). */
const privateError = (code: string, rawMessage: string, ref: string, extra: { text?: string; suggestions?: string[] } = {}): Reply => {
  const message = scrubSecrets(rawMessage);
  return {
    private: {
      title: TITLES[code] ?? "Can't do that",
      text: clip(scrubSecrets(extra.text ?? message), CARD_LIMITS.sectionChars),
      context: `ref ${ref}`,
    },
    error: { code, message, ref, ...(extra.suggestions?.length ? { suggestions: extra.suggestions } : {}) },
  };
};

/** A command the grammar could not read: what was wrong, and the usage line. */
export const usageReply = (failure: ParseFailure, ref: string): Reply =>
  privateError('usage', failure.message, ref, { text: failure.usage ? `${failure.message}\nUsage: \`${failure.usage}\`` : failure.message });

/** A kind nobody registered yet: say so plainly instead of pretending. */
export const notAvailableReply = (what: string, ref: string): Reply =>
  privateError('not-available', `\`${what}\` is not available yet.`, ref, { text: `\`${what}\` is not available yet; \`help\` lists what works now.` });

/**
 * Typed errors become a private, actionable card with a short correlation id; anything else is
 * "Something went wrong (ref …)" and goes to the log with its stack under the same ref.
 */
export const errorReply = (error: unknown, ref: string, log: Logger | undefined): Reply => {
  if (error instanceof PatchbotError) {
    // A refusal is an answer, not an incident: debug, so the CLI's stderr stays clean.
    log?.debug({ code: error.code, ref }, 'chat request refused');
    const suggestions = error instanceof NotFoundError ? error.suggestions : [];
    return privateError(error.code, error.message, ref, { text: error.hint ? `${error.message}\n${error.hint}` : error.message, suggestions });
  }
  log?.error({ err: error, ref }, 'chat request failed');
  const message = `Something went wrong (ref ${ref}).`;
  return privateError('internal', message, ref, { text: `${message} It has been logged; quote the ref when you report it.` });
};
