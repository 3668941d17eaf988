import { type Intent, looksLikePatch, NAME, normalizePatchId } from './intent.ts';
import { levenshtein } from '../shared/closest-matches.ts';
import { NOT_A_NAME } from './question-text.ts';

/**
 * The words the question rules read, or that carry no scope ("please", "currently"). A word
 * outside them in a scoped question is a name the rules could not place ("does *staging* need a
 * reboot", "pending in prod-web and *staging*"): answering anyway would answer for a scope nobody
 * asked about, so the question gets a clarification instead.
 */
const KNOWN_WORDS = new Set(
  `which what who whom where when how why any is are am was were be been being do does did have has had will would can could should shall may might must
  the a an of in for on from across within at to and or with without by into over under than then so ok okay also just only
  me us we our my i you your please show list tell about give get know let see check
  hosts group groups environment env ring estate fleet all every everything everywhere everyone anywhere total general
  currently now today still yet right already again left
  patch patches patched patching update updates updating updated missing lack lacking lacks need needs needed needing require requires required
  requiring want wants pending outstanding open unpatched available installed install applied waiting wait package packages
  reboot reboots rebooting rebooted restart restarts restarting restarted status
  compliant compliance non-compliant noncompliant sla slas overdue pci hipaa dss pci-dss
  scan rescan re-scan not no there here them it its this that these those
  many much number count some as like look after before since last latest recent recently exactly actually really
  got deployed rolled out report summary non`.split(/\s+/),
);

/**
 * A known word, or a typo of one ("mising", "rebooot"): plain letters only, long enough that one
 * slip (two in a long word) cannot turn a group name into a keyword.
 */
const isKnownWord = (word: string): boolean => {
  const lower = word.toLowerCase();
  if (KNOWN_WORDS.has(lower) || NOT_A_NAME.has(lower)) return true;
  if (!/^[a-z]{5,}$/.test(lower)) return false;
  const slips = lower.length >= 8 ? 2 : 1;
  for (const known of KNOWN_WORDS) if (Math.abs(known.length - lower.length) <= slips && levenshtein(known, lower) <= slips) return true;
  return false;
};

type Scoped = Extract<Intent, { kind: 'missing' | 'reboots' | 'pending' | 'compliance' | 'scan' }>;

/** The command that asks the same for another scope: what a clarification offers. */
const commandFor = (intent: Scoped, target: string | null): string => {
  switch (intent.kind) {
    case 'missing':
      return `missing ${intent.patch}${target ? ` in ${target}` : ''}`;
    case 'compliance':
      return ['compliance', intent.standard, target].filter(Boolean).join(' ');
    default:
      return `${intent.kind}${target ? ` ${target}` : ''}`;
  }
};

const isScoped = (intent: Intent): intent is Scoped => ['missing', 'reboots', 'pending', 'compliance', 'scan'].includes(intent.kind);

const clarification = (note: string): Intent => ({ kind: 'help', topic: null, note });

/**
 * The intent a scoped question asked for, or a clarification when the question names more than
 * the intent holds: a second patch id, or words that are no part of the question language (a
 * second group, a group the rules could not place). `text` is the normalized question.
 */
export const checkScope = (intent: Intent, text: string): Intent => {
  if (!isScoped(intent)) return intent;
  const words = text.split(' ').filter(Boolean);
  const target = intent.target;
  if (intent.kind === 'missing') {
    const patches = [...new Set(words.filter(looksLikePatch).map(normalizePatchId))];
    if (patches.length > 1) {
      const ask = (patch: string) => `\`missing ${patch}${target ? ` in ${target}` : ''}\``;
      return clarification(`I answer for one patch at a time: ${patches.slice(0, 3).map(ask).join(', then ')}${patches.length > 3 ? ', …' : ''}.`);
    }
  }
  const consumed = (w: string) => w === target || (intent.kind === 'missing' && (looksLikePatch(w) || w === intent.patch));
  const leftover = words.filter((w) => !consumed(w) && !isKnownWord(w));
  if (leftover.length === 0) return intent;
  const unplaced = `\`${leftover.join(' ').slice(0, 80)}\``;
  const names = leftover.filter((w) => NAME.test(w) && w.length <= 80).slice(0, 2);
  const offers = names.map((n) => `\`${commandFor(intent, n)}\``).join(' or ');
  if (target === null) {
    const tail = offers
      ? `Did you mean ${offers}? For every host: \`${commandFor(intent, null)}\`.`
      : `For every host: \`${commandFor(intent, null)}\`; for one group or host: \`${commandFor(intent, '<group|host>')}\`.`;
    return clarification(`I could not place ${unplaced} in that question, so I did not answer it for all hosts. ${tail}`);
  }
  return clarification(
    `I could not place ${unplaced} in that question (I read its scope as \`${target.slice(0, 80)}\`). I answer for one group or host at a time: \`${commandFor(intent, target.slice(0, 80))}\`${offers ? ` or ${offers}` : ''}.`,
  );
};
