import { parseCommand, type ParseFailure } from './grammar.ts';
import type { Intent } from './intent.ts';
import type { InteractionKind } from './interaction.ts';
import { matchQuestion, NOT_UNDERSTOOD, TRY_THESE } from './questions.ts';

export type Understanding = { ok: true; intent: Intent; understood: boolean } | ParseFailure;

/**
 * Text → intent: the grammar first (exact, so `/patch missing KB1` never guesses), then the
 * question rules. What neither understands: a `/patch` command gets the grammar's specific
 * complaint (closest verb, usage); a question gets help, marked not understood.
 */
export const understand = (text: string, kind: InteractionKind): Understanding => {
  const command = parseCommand(text);
  if (command.ok) return { ...command, understood: true };
  const question = matchQuestion(text);
  // A question the rules could only half place comes back as help with a clarification: the
  // grammar's own complaint is as specific for a text that starts with a verb ("compliance a b").
  const clarifies = question?.kind === 'help' && question.note !== null;
  if (question && clarifies && command.reason === 'bad-arguments') return command;
  if (question) return { ok: true, intent: question, understood: !clarifies };
  if (command.reason !== 'unknown-verb' || kind === 'command') return command;
  // A near-miss verb ("rebots") is worth mentioning even in a question.
  const note = command.usage ? `I understood none of that. Did you mean \`${command.usage}\`? Or try: ${TRY_THESE}.` : NOT_UNDERSTOOD;
  return { ok: true, intent: { kind: 'help', topic: null, note }, understood: false };
};
