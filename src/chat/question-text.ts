import { NAME } from './intent.ts';
import { normalizeText } from './normalize-text.ts';

/** A host/group name in a question regex (the capture keeps the user's case). */
export const N = '([A-Za-z0-9][A-Za-z0-9._-]*)';

/** Words that sit where a name would, but name nothing: "are *we* compliant", "pending *in* total". */
export const NOT_A_NAME = new Set([
  'we',
  'us',
  'our',
  'all',
  'everything',
  'everyone',
  'everybody',
  'anyone',
  'anybody',
  'someone',
  'somebody',
  'something',
  'everywhere',
  'anything',
  'anywhere',
  'hosts',
  'host',
  'estate',
  'fleet',
  'them',
  'it',
  'there',
  'here',
  'total',
  'general',
  'any',
  'the',
  'a',
  'an',
  'is',
  'are',
  'do',
  'does',
  'need',
  'needs',
  'patches',
  'patch',
  'updates',
  'pending',
  'missing',
  'reboot',
  'restart',
  'compliant',
  'compliance',
  'now',
  'today',
  'currently',
  'moment',
  'present',
  'still',
  'which',
  'what',
  'who',
  'pci',
  'hipaa',
]);

/**
 * The filler words that are also fair names for a group ("fleet", "estate"): a question with no
 * other scope that says one is about the group or host of that name when the inventory has one
 * (resolve-filler.ts), and about every host otherwise. Pronouns, verbs, "all" and "everything"
 * stay filler whatever the inventory holds: they are how a question says "every host".
 */
export const NAMEABLE_FILLERS = new Set(['fleet', 'estate', 'general', 'total']);

/** The last nameable filler of a normalized question, as typed ("the Fleet" → `Fleet`), or null. */
export const fillerIn = (text: string): string | null =>
  text
    .split(' ')
    .filter((w) => NAMEABLE_FILLERS.has(w.toLowerCase()))
    .at(-1) ?? null;

/** The captured word as a target name, or null for "we", "all", "everything" and friends. */
export const targetName = (word: string | undefined): string | null => {
  if (word === undefined || NOT_A_NAME.has(word.toLowerCase()) || !NAME.test(word)) return null;
  return word;
};

/** A trailing "in prod-web" / "for web-01" / "on the prod-web group". */
export const trailingTarget = (text: string): string | null =>
  targetName(new RegExp(`\\b(?:in|for|on|of|from|across|within|at)\\s+(?:the\\s+)?(?:group\\s+|hosts?\\s+)?${N}(?:\\s+(?:group|hosts|environment|env|ring))?$`, 'i').exec(text)?.[1]);

/** A leading "which prod-web hosts …" / "any staging hosts …", or "hosts in prod-web …". */
export const prefixTarget = (text: string): string | null =>
  targetName(new RegExp(`^(?:which|what|any|list|show(?: me)?)\\s+(?:of\\s+)?(?:the\\s+)?${N}\\s+hosts\\b`, 'i').exec(text)?.[1]) ??
  targetName(new RegExp(`\\bhosts\\s+(?:in|from|of)\\s+(?:the\\s+)?${N}\\b`, 'i').exec(text)?.[1]);

/**
 * "… in prod/web": a place was named but it is no name we accept. Answering for every host
 * instead would be a wrong answer that looks right, so such questions are not understood.
 */
export const badTrailingName = (text: string): boolean => {
  const word = /\b(?:in|for|on|of|from|across|within)\s+(?:the\s+)?(\S+)$/i.exec(text)?.[1];
  return word !== undefined && !NOT_A_NAME.has(word.toLowerCase()) && !NAME.test(word);
};

/** A whole word for a host: never part of a name (`app-server-01`) or a patch id (`deb:init-system-helpers@…`). */
const HOST_WORD = /^(?:servers?|hosts?|machines?|boxes|box|nodes?|systems?|vms?|instances?|computers?)$/i;
/** Host synonyms folded into `hosts`, one space-separated word at a time. */
const foldHostWords = (text: string): string =>
  text
    .split(' ')
    .map((word) => (HOST_WORD.test(word) ? 'hosts' : word))
    .join(' ');
const GREETING = /^(?:(?:hey|hi|hello|ok|okay|yo|so|please|pls|kindly|patchbot|bot)[\s,:]+)*/i;
const ASKING = /^(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|i\s+(?:want|would like|need)\s+to\s+know\s+|do\s+you\s+know\s+)/i;
const THANKS = /[\s,]+(?:please|pls|thanks|thank you|thx|ty)$/i;

/**
 * A question reduced to what the rules match: contractions expanded, host synonyms folded into
 * `hosts`, greetings and "can you …" dropped, quotes and markup removed. Case is kept, because
 * host names are case-sensitive; the rules match case-insensitively.
 */
export const normalizeQuestion = (text: string): string => {
  const plain = normalizeText(text)
    // Chat markup at word edges (*bold*, _italic_, ~strike~), not inside names like deb12u1~1.
    .replace(/(^|\s)[*_~]+|[*_~]+(?=\s|$)/g, '$1')
    .replace(/\b(what|who|where|how|that|it|there|here)'s\b/gi, '$1 is')
    .replace(/\b(are|is|do|does|have|has)n't\b/gi, '$1 not')
    .replace(/\b(don)'t\b/gi, 'do not')
    .replace(/(\S)'s\b/g, '$1')
    .replace(/[`"'“”‘’()[\]{}<>]/g, ' ')
    .replace(/[;!?]+/g, ' ')
    .replace(/\s*,\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return foldHostWords(plain).replace(GREETING, '').replace(ASKING, '').replace(THANKS, '').trim();
};
