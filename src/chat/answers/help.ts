import type { IntentOf } from '../intent.ts';
import { EXAMPLES, isVerb, VERB_NAMES, VERBS } from '../verbs.ts';
import type { Answer } from './estate.ts';

const WHERE = 'Type commands as `/patch <command>` in Slack or Teams, in the console, or `patchbot ask "<command or question>"`.';

/** `help [command]`; a `note` (an unknown question, an unknown topic) is said first. */
export const answerHelp = (intent: IntentOf<'help'>): Answer => {
  const topic = intent.topic && isVerb(intent.topic) ? intent.topic : null;
  if (topic) {
    const { usage, summary } = VERBS[topic];
    return {
      card: { title: `\`${usage}\``, text: `${intent.note ? `${intent.note}\n` : ''}${summary[0]!.toUpperCase()}${summary.slice(1)}.`, context: WHERE },
      data: { topic, usage, summary },
    };
  }
  const commands = VERB_NAMES.map((verb) => ({ verb, usage: VERBS[verb].usage, summary: VERBS[verb].summary }));
  return {
    card: {
      title: 'What patchbot understands',
      ...(intent.note ? { text: intent.note } : {}),
      lists: [
        { heading: 'Commands', items: commands.map((c) => `\`${c.usage}\` — ${c.summary}`) },
        { heading: 'Or ask', items: EXAMPLES.filter((e) => e !== 'help') },
      ],
      context: WHERE,
    },
    data: { note: intent.note, commands, examples: EXAMPLES },
  };
};
