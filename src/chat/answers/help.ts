import type { IntentOf } from '../intent.ts';
import { ACTING_VERBS, EXAMPLES, isVerb, type Verb, VERB_NAMES, VERBS } from '../verbs.ts';
import type { Answer } from './estate.ts';

const WHERE = 'Type commands as `/patch <command>` in Slack or the console, by @mentioning patchbot in Teams (no mention in a 1:1 chat), or `patchbot ask "<command or question>"`.';
const READ_ONLY = 'You can ask and read; scanning, proposing, voting and steering changes need a configured person who is not only a viewer.';

/**
 * `help [command]`; a `note` (an unknown question, an unknown topic) is said first. Someone who may
 * not act (not a configured person, or only a viewer) is shown what they can do, and told why.
 */
export const answerHelp = (intent: IntentOf<'help'>, { mayAct = true, cli = false }: { mayAct?: boolean; cli?: boolean } = {}): Answer => {
  const topic = intent.topic && isVerb(intent.topic) ? intent.topic : null;
  const cannot = (verb: Verb) => !mayAct && ACTING_VERBS.has(verb);
  const readOnly = `${READ_ONLY}${cli ? ' From the CLI, name one with `--as PERSON`.' : ''}`;
  if (topic) {
    const { usage, summary } = VERBS[topic];
    const text = `${intent.note ? `${intent.note}\n` : ''}${summary[0]!.toUpperCase()}${summary.slice(1)}.${cannot(topic) ? `\n${readOnly}` : ''}`;
    return { card: { title: `\`${usage}\``, text, context: WHERE }, data: { topic, usage, summary } };
  }
  const commands = VERB_NAMES.filter((verb) => !cannot(verb)).map((verb) => ({ verb, usage: VERBS[verb].usage, summary: VERBS[verb].summary }));
  const text = [intent.note, mayAct ? null : readOnly].filter(Boolean).join('\n');
  return {
    card: {
      title: 'What patchbot understands',
      ...(text ? { text } : {}),
      lists: [
        { heading: 'Commands', items: commands.map((c) => `\`${c.usage}\` — ${c.summary}`) },
        { heading: 'Or ask', items: EXAMPLES.filter((e) => e !== 'help') },
      ],
      context: WHERE,
    },
    data: { note: intent.note, commands, examples: EXAMPLES, mayAct },
  };
};
