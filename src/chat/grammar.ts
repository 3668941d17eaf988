import { closestMatches } from '../shared/closest-matches.ts';
import { type ControlVerb, type Intent, NAME, normalizeChangeId, normalizePatchId } from './intent.ts';
import { MAX_TEXT, normalizeText, tokens } from './normalize-text.ts';
import { isPaged, PAGED_KINDS } from './paged-intent.ts';
import { parsePage } from './paging.ts';
import { isVerb, type Verb, VERB_NAMES, VERBS } from './verbs.ts';

export interface ParseFailure {
  ok: false;
  reason: 'unknown-verb' | 'bad-arguments' | 'too-long';
  /** The verb that was recognised (its arguments were not), or null for an unknown verb. */
  verb: Verb | null;
  message: string;
  /** The usage line to show with the message: the verb's, or the closest verb's. */
  usage: string | null;
}
export type ParseResult = { ok: true; intent: Intent } | ParseFailure;

/** A bad argument: carries the message up to `parseCommand`, which adds the usage line. */
class Bad extends Error {}

const PATCH_TOKEN = /^[A-Za-z0-9][A-Za-z0-9:@+.~^_-]*$/;
const PREPOSITIONS = new Set(['in', 'for', 'of', 'on']);

const name = (token: string, what: string): string => {
  if (!NAME.test(token) || token.length > 253) throw new Bad(`\`${token.slice(0, 40)}\` is not a ${what} name (letters, digits, dot, dash, underscore).`);
  return token;
};
const patch = (token: string): string => {
  if (!PATCH_TOKEN.test(token) || token.length > 200) throw new Bad(`\`${token.slice(0, 40)}\` is not a patch id (KB5034441, DSA-5600-1, USN-6600-1, RHSA-2024:1234, deb:pkg@version).`);
  return normalizePatchId(token);
};
const change = (token: string | undefined): string => {
  const id = token === undefined ? null : normalizeChangeId(token);
  if (!id) throw new Bad(token === undefined ? 'Which change? Give its id, like CHG-7.' : `\`${token.slice(0, 40)}\` is not a change id (like CHG-7).`);
  return id;
};
const atMost = (args: string[], n: number) => {
  if (args.length > n) throw new Bad(`Unexpected \`${args.slice(n).join(' ').slice(0, 60)}\`.`);
};
/** `pending in prod-web` reads as well as `pending prod-web`. */
const optionalTarget = (args: string[], what: string): string | null => {
  const preposition = PREPOSITIONS.has(args[0]?.toLowerCase() ?? '');
  const rest = preposition ? args.slice(1) : args;
  if (rest[0] === undefined) {
    if (preposition) throw new Bad(`\`${args[0]}\` needs a ${what} name after it.`);
    return null;
  }
  const target = name(rest[0], what);
  atMost(rest, 1);
  return target;
};
const list = (args: string[]) => args.filter((a) => a.toLowerCase() !== 'and');

const propose = (args: string[]): Intent => {
  const lower = args.map((a) => a.toLowerCase());
  const emergency = lower.includes('emergency');
  const words = args.filter((_, i) => lower[i] !== 'emergency');
  const to = words.findIndex((w) => w.toLowerCase() === 'to');
  if (to < 0) throw new Bad('Say where: `propose <patch id> to <group>`, e.g. to `local` (`pending` lists the patch ids).');
  const at = words.findIndex((w, i) => i > to && w.toLowerCase() === 'at');
  const patches = list(words.slice(0, to)).map(patch);
  const groups = list(words.slice(to + 1, at < 0 ? undefined : at)).map((g) => name(g, 'group'));
  if (patches.length === 0) throw new Bad('Which patches? `propose <patch id> to <group>`; `pending` lists the patch ids.');
  if (groups.length === 0) throw new Bad('Which groups? `propose <patch id> to <group>`, e.g. to `local`.');
  const windowArgs = at < 0 ? [] : words.slice(at + 1);
  if (at >= 0 && windowArgs.length !== 1) throw new Bad('Give one maintenance window after `at` (or `at now`).');
  return { kind: 'propose', patches, groups, window: windowArgs[0] ? name(windowArgs[0], 'window') : null, emergency };
};

const control = (kind: ControlVerb, args: string[]): Intent => ({ kind, change: change(args[0]), hosts: list(args.slice(1)).map((h) => name(h, 'host')) });

/** A trailing `page N` of a list's command (`pending prod page 2`); a bad N is refused, never read as a name. */
const takePage = (args: string[]): { args: string[]; page?: number } => {
  if (args.length < 2 || args.at(-2)!.toLowerCase() !== 'page') return { args };
  const parsed = parsePage(args.at(-1)!);
  if ('error' in parsed) throw new Bad(parsed.error);
  return { args: args.slice(0, -2), page: parsed.page };
};

/** Only the verbs that answer with lists take a page: `approve CHG-7 as on page 2` is a comment. */
const parseArgs = (verb: Verb, all: string[], text: string): Intent => {
  const { args, page } = (PAGED_KINDS as readonly string[]).includes(verb) ? takePage(all) : { args: all, page: undefined };
  const intent = parseVerb(verb, args, text);
  return page === undefined || !isPaged(intent) ? intent : { ...intent, page };
};

const parseVerb = (verb: Verb, args: string[], text: string): Intent => {
  switch (verb) {
    case 'help': {
      atMost(args, 1);
      const topic = args[0]?.toLowerCase();
      if (topic === undefined || isVerb(topic)) return { kind: 'help', topic: topic ?? null, note: null };
      return { kind: 'help', topic: null, note: `There is no \`${args[0]!.slice(0, 40)}\` command.` };
    }
    case 'scan':
      // `scan all` reads as every host; a group literally named "all" is still `scan in all`.
      if (args.length === 1 && /^(all|everything)$/i.test(args[0]!)) return { kind: 'scan', target: null };
      return { kind: 'scan', target: optionalTarget(args, 'group or host') };
    case 'missing': {
      if (!args[0]) throw new Bad('Which patch? `missing KB5034441`.');
      return { kind: 'missing', patch: patch(args[0]), target: optionalTarget(args.slice(1), 'group or host') };
    }
    case 'status': {
      const host = optionalTarget(args, 'host');
      if (!host) throw new Bad('Which host? `status web-01`.');
      return { kind: 'status', host };
    }
    case 'pending':
      return { kind: 'pending', target: optionalTarget(args, 'group or host') };
    case 'reboots':
      return { kind: 'reboots', target: optionalTarget(args, 'group or host') };
    case 'compliance': {
      const standard = args[0]?.toLowerCase();
      const named = standard === 'pci' || standard === 'hipaa' ? standard : null;
      return { kind: 'compliance', standard: named, target: optionalTarget(named ? args.slice(1) : args, 'group or host') };
    }
    case 'propose':
      return propose(args);
    case 'changes':
      atMost(args, 0);
      return { kind: 'changes' };
    case 'show': {
      // `show CHG-7 patches`: every patch of a long change (its card summarises them).
      const patches = args[1]?.toLowerCase() === 'patches';
      atMost(args, patches ? 2 : 1);
      return { kind: 'show', change: change(args[0]), ...(patches ? { patches } : {}) };
    }
    case 'approve':
    case 'reject': {
      const id = change(args[0]);
      const comment = /^\S+\s+[^\s,]+[\s,]*(.*)$/s.exec(text)?.[1]?.trim() ?? '';
      return { kind: verb, change: id, comment: comment || null };
    }
    default:
      return control(verb, args);
  }
};

/** Parses `/patch …` text (without or with the `/patch` prefix) into an Intent. */
export const parseCommand = (input: string): ParseResult => {
  if (input.length > MAX_TEXT * 4) return { ok: false, reason: 'too-long', verb: null, message: `That is ${input.length} characters; commands are at most ${MAX_TEXT}.`, usage: null };
  const text = normalizeText(input);
  if (text.length > MAX_TEXT) return { ok: false, reason: 'too-long', verb: null, message: `That is ${text.length} characters; commands are at most ${MAX_TEXT}.`, usage: null };
  const [first, ...args] = tokens(text);
  if (first === undefined) return { ok: true, intent: { kind: 'help', topic: null, note: null } };
  const word = first.toLowerCase();
  if (!isVerb(word)) {
    const closest = closestMatches(word, VERB_NAMES, 1)[0] as Verb | undefined;
    const hint = closest ? ` Did you mean \`${closest}\`?` : ' Try `help`.';
    return { ok: false, reason: 'unknown-verb', verb: null, message: `I don't know the command \`${first.slice(0, 40)}\`.${hint}`, usage: closest ? VERBS[closest].usage : null };
  }
  try {
    return { ok: true, intent: parseArgs(word, args, text) };
  } catch (error) {
    if (!(error instanceof Bad)) throw error;
    return { ok: false, reason: 'bad-arguments', verb: word, message: error.message, usage: VERBS[word].usage };
  }
};
