/**
 * Typed errors in our vocabulary. Each carries a `code` that chat and the CLI map to an actionable
 * reply, and a `hint` that says what to do next.
 */
export class PatchbotError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }
}

/** What to offer when no known name is close: the known ones (a few), or where to look them up. */
export type KnownNames = { label: string; names: readonly string[] } | { how: string };

const SHOWN_KNOWN = 8;

const knownTail = (known: KnownNames | undefined): string => {
  if (!known) return '';
  if ('how' in known) return ` ${known.how}`;
  if (known.names.length === 0) return ` There are no ${known.label} yet.`;
  const shown = known.names.slice(0, SHOWN_KNOWN).map((n) => `\`${n}\``);
  const more = known.names.length > SHOWN_KNOWN ? `, +${known.names.length - SHOWN_KNOWN} more` : '';
  return ` Known ${known.label}: ${shown.join(', ')}${more}.`;
};

export class NotFoundError extends PatchbotError {
  readonly suggestions: string[];
  /**
   * `known`: said only when nothing is close, so "No group named prod-web" on a fresh install
   * still tells the newcomer what there is (`local`).
   */
  constructor(kind: string, name: string, suggestions: string[] = [], known?: KnownNames) {
    const tail = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : knownTail(known);
    super('not-found', `No ${kind} named \`${name}\`.${tail}`);
    this.suggestions = suggestions;
  }
}

export class IllegalTransitionError extends PatchbotError {
  readonly from: string;
  readonly to: string;
  constructor(changeId: string, from: string, to: string) {
    super('illegal-transition', `Change ${changeId} cannot go from ${from} to ${to}.`);
    this.from = from;
    this.to = to;
  }
}

export class VoteRefusedError extends PatchbotError {
  constructor(reason: string, hint?: string) {
    super('vote-refused', reason, hint);
  }
}

export class ConcurrentUpdateError extends PatchbotError {
  constructor(what: string) {
    super('concurrent-update', `${what} was changed by someone else at the same time; try again.`);
  }
}

export class ConfigError extends PatchbotError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super('config-invalid', `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export class UsageError extends PatchbotError {
  constructor(message: string) {
    super('usage', message);
  }
}
