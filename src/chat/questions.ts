import { parseCommand } from './grammar.ts';
import { type ComplianceStandard, type Intent, looksLikePatch, normalizeChangeId, normalizePatchId } from './intent.ts';
import { MAX_TEXT } from './normalize-text.ts';
import { isPaged } from './paged-intent.ts';
import { parsePage } from './paging.ts';
import { checkScope } from './question-scope.ts';
import { badTrailingName, fillerIn, N, normalizeQuestion, prefixTarget, targetName, trailingTarget } from './question-text.ts';
import { EXAMPLES } from './verbs.ts';

/**
 * Plain questions → the same intents as the grammar. A short ordered list of rules over the
 * normalized text: the most specific evidence first (a change id, a patch id), then keywords.
 * Rule-based on purpose: predictable, testable, and it says so when it did not understand.
 */
type Rule = (text: string) => Intent | null;

const re = (source: string) => new RegExp(source, 'i');
/** One of these words as a whole space-separated word: `reboot` is not in `reboot-test-01`. */
const word = (source: string) => new RegExp(`(?<!\\S)(?:${source})(?!\\S)`, 'i');
const words = (text: string) => text.split(' ');

const help: Rule = (t) =>
  re('^(?:help|what can you do|what do you (?:do|know|understand)|how (?:do|does) (?:this|it|you) work|commands|usage|menu)(?: me)?$').test(t)
    ? { kind: 'help', topic: null, note: null }
    : null;

/** "show me CHG-12", "how is CHG-12 going", "CHG-12". */
const show: Rule = (t) => {
  const token = words(t).find((w) => /^chg-?\d+$/i.test(w));
  const change = token ? normalizeChangeId(token) : null;
  return change ? { kind: 'show', change } : null;
};

const changes: Rule = (t) =>
  word('changes').test(t) && !word('propose|make|create').test(t)
    ? { kind: 'changes' }
    : re('^(?:what|anything|is anything|which) (?:is |needs? )?(?:waiting (?:for|on) |to |my )?(?:approval|approve|sign-?off)$').test(t)
      ? { kind: 'changes' }
      : null;

const URGENT = /\b(?:urgently|asap|immediately|right away)\b/gi;

/**
 * "roll out KB1 and KB2 to prod-web at weeknights", "deploy KB1 to staging emergency". Only the
 * word `emergency` makes an emergency change, as in the command: one starts now under the
 * emergency policy (on production, one approval where the CAB would vote). "asap" said in passing,
 * or "not asap", is not that decision: the answer shows both commands instead of guessing.
 */
const propose: Rule = (t) => {
  const match = re('^(?:roll ?out|deploy|install|apply|push|ship) (.+ to .+)$').exec(t);
  if (!match) return null;
  const urgent = match[1]!.match(URGENT);
  if (urgent) {
    const parsed = parseCommand(`propose ${match[1]!.replace(URGENT, ' ')}`);
    const plain = parsed.ok && parsed.intent.kind === 'propose' ? `propose ${parsed.intent.patches.join(' ')} to ${parsed.intent.groups.join(' ')}` : 'propose <patch id> to <group>';
    return {
      kind: 'help',
      topic: 'propose',
      note: `"${urgent[0]}" does not make an emergency change. For one (it starts now, under the emergency approval, and is reviewed afterwards): \`${plain} emergency\`. For the next maintenance window: \`${plain}\`.`,
    };
  }
  const parsed = parseCommand(`propose ${match[1]!}`);
  return parsed.ok ? parsed.intent : null;
};

/** Any question naming a patch id is about that patch: "which servers are missing KB5034441?". */
const missing: Rule = (t) => {
  const token = words(t).find(looksLikePatch);
  if (!token) return null;
  const rest = words(t)
    .filter((w) => w !== token)
    .join(' ');
  return { kind: 'missing', patch: normalizePatchId(token), target: trailingTarget(rest) ?? prefixTarget(rest) };
};

const reboots: Rule = (t) => {
  if (!word('(?:reboot|restart)(?:s|ing|ed)?').test(t) || re('^(?:reboot|restart) (?!status|pending|required|needed)').test(t)) return null;
  // "does staging need a reboot?", "is web-01 waiting for a restart": the subject is the scope.
  const subject = re(
    `^(?:does|do|is|are|will)\\s+(?:the\\s+)?(?:group\\s+|hosts\\s+)?${N}\\s+(?:hosts\\s+|group\\s+)?(?:still\\s+)?(?:need|needs|require|requires|want|wants|waiting for)\\s+(?:a\\s+)?(?:reboot|restart)(?:ing)?$`,
  ).exec(t)?.[1];
  return { kind: 'reboots', target: targetName(subject) ?? trailingTarget(t) ?? prefixTarget(t) };
};

const compliance: Rule = (question) => {
  if (!word('compliant|compliance|non-compliant|noncompliant|sla|slas|overdue').test(question)) return null;
  const standard = (word('(pci|hipaa)').exec(question)?.[1]?.toLowerCase() ?? null) as ComplianceStandard | null;
  // "compliance of prod-web for pci": the standard is no place, so it does not hide the scope.
  const t = question.replace(/(?:\s+(?:for|under|against))?\s+(?:pci|hipaa)(?:-dss|\s+dss)?$/i, '');
  const subject = re(`^(?:is|are|how compliant is|how compliant are)\\s+(?:the\\s+)?${N}(?!\\S)`).exec(t)?.[1];
  const before = re(`^(?:show(?: me)?\\s+)?${N}\\s+(?:(?:pci|hipaa)(?:-dss| dss)?\\s+)?compliance(?!\\S)`).exec(t)?.[1];
  return { kind: 'compliance', standard, target: targetName(subject) ?? targetName(before) ?? trailingTarget(t) };
};

const scan: Rule = (t) => {
  const match = re('^(?:re-?)?scan((?:\\s.*)?)$').exec(t);
  if (!match) return null;
  const rest = match[1]!.replace(/\b(?:now|again|please|all hosts|all|everything|hosts)\b/gi, ' ').trim();
  const target = targetName(rest.replace(/^(?:the|group|host)\s+/i, '').split(' ')[0]);
  return rest && !target ? null : { kind: 'scan', target };
};

/** "status of web-01", "how is web-01", "what is missing on web-01", "is web-01 up to date". */
const status: Rule = (t) => {
  const patterns = [
    `^(?:what is )?(?:the )?status (?:of|for|on) (?:hosts? )?${N}$`,
    `^(?:hosts? )?${N} status$`,
    `^how is (?:hosts? )?${N}(?: doing)?$`,
    `^(?:what is|what patches are) (?:missing|pending|outstanding|needed) on (?:hosts? )?${N}$`,
    `^what (?:patches )?does (?:hosts? )?${N} (?:need|lack|miss)$`,
    `^what is (?:hosts? )?${N} missing$`,
    `^(?:tell me about|show(?: me)?|describe|check) hosts? ${N}$`,
    `^tell me about ${N}$`,
    `^is (?:hosts? )?${N} (?:ok|okay|fine|patched|up to date|up-to-date|healthy|current)$`,
  ];
  for (const pattern of patterns) {
    const host = targetName(re(pattern).exec(t)?.[1]);
    if (host) return { kind: 'status', host };
  }
  return null;
};

/** "what is pending in prod-web", "pending patches", "what needs patching in staging". */
const pending: Rule = (t) => {
  const patterns = [
    '^(?:what is |what patches are |which patches are |anything |show(?: me)? |list )?(?:pending|outstanding|missing|open|unpatched)(?: patches| updates)?(?: (?:in|for|on|across|from) .+)?$',
    '^(?:what|which) (?:patches|updates) (?:are )?(?:pending|outstanding|missing|needed|available)(?: (?:in|for|on|across|from) .+)?$',
    '^what (?:needs|is left) (?:patching|updating|to patch|to update)(?: (?:in|for|on|across) .+)?$',
    '^(?:pending|missing) patches(?: .+)?$',
    '^(?:which|what) hosts (?:still )?(?:need|needs|require) (?:patching|updating|patches|updates)(?: (?:in|for|on|across) .+)?$',
  ];
  if (!patterns.some((p) => re(p).test(t))) return null;
  return { kind: 'pending', target: trailingTarget(t) };
};

const NOT_A_PACKAGE = new Set(['patching', 'patches', 'updates', 'updating', 'anything', 'something', 'what', 'a', 'an', 'the', 'to', 'attention']);

/** Last resort: "which servers are missing openssl?" — a package name; the answer resolves it. */
const missingPackage: Rule = (t) => {
  const match = re(`^(?:which|what|who|any)\\b.*\\b(?:missing|lacking|lack|without|needs?|needing)\\s+(?:package\\s+)?([a-z0-9][a-z0-9+._-]*)(?:\\s+(?:in|on|for)\\s+\\S+)?$`).exec(t);
  const word = match?.[1];
  if (!word || NOT_A_PACKAGE.has(word.toLowerCase())) return null;
  return { kind: 'missing', patch: word, target: trailingTarget(t) ?? prefixTarget(t) };
};

const RULES: Rule[] = [help, show, changes, propose, missing, reboots, compliance, scan, status, pending, missingPackage];

/** The intent of a plain question, or null when none of the rules applies. */
export const matchQuestion = (question: string): Intent | null => {
  if (question.length > MAX_TEXT * 4) return null;
  const text = normalizeQuestion(question);
  if (!text || text.length > MAX_TEXT) return null;
  // "can you scan web-01", "please approve CHG-7": once the politeness is gone, it is a command.
  const command = parseCommand(text);
  if (command.ok) return command.intent;
  const paged = /^(.+?)\s+page\s+(\S+)$/i.exec(text);
  return paged ? pagedQuestion(paged[1]!, paged[2]!) : matchRules(text);
};

const matchRules = (text: string): Intent | null => {
  if (badTrailingName(text)) return null;
  for (const rule of RULES) {
    const intent = rule(text);
    if (intent) return withFiller(checkScope(intent, text), text);
  }
  return null;
};

/** "what is pending in the fleet": every host, unless a group or host is named `fleet` (resolve-filler.ts). */
const withFiller = (intent: Intent, text: string): Intent => {
  if ((intent.kind !== 'missing' && intent.kind !== 'pending' && intent.kind !== 'reboots' && intent.kind !== 'compliance') || intent.target !== null) return intent;
  // "which hosts are missing fleet": the package is not also the scope.
  const filler = fillerIn(
    intent.kind === 'missing'
      ? words(text)
          .filter((w) => w !== intent.patch)
          .join(' ')
      : text,
  );
  return filler ? { ...intent, filler } : intent;
};

/** "who needs a reboot page 2": the question without its page, then the page, if the answer has pages. */
const pagedQuestion = (question: string, token: string): Intent | null => {
  const intent = matchRules(question);
  if (!intent || !isPaged(intent)) return intent?.kind === 'help' ? intent : null;
  const parsed = parsePage(token);
  return 'error' in parsed ? { kind: 'help', topic: null, note: parsed.error } : { ...intent, page: parsed.page };
};

/** "`which servers are missing KB5034441?`, `who needs a reboot?`, …": what to try instead. */
export const TRY_THESE = EXAMPLES.map((e) => `\`${e}\``).join(', ');
export const NOT_UNDERSTOOD = `I understood none of that; try: ${TRY_THESE}.`;

/** Like matchQuestion, but never empty-handed: what it cannot place becomes help with a note. */
export const parseQuestion = (question: string): Intent => matchQuestion(question) ?? { kind: 'help', topic: null, note: NOT_UNDERSTOOD };
