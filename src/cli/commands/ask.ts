import { type Command, EXIT } from '../command.ts';
import { chatTextOptions, pageOption } from './chat-text-options.ts';

export const ask: Command = {
  path: ['ask'],
  summary: 'answer a question or run a chat command, exactly as chat does',
  usage: [
    'Usage: patchbot ask "<question or command>" [--page N] [--json] [--as PERSON]',
    'Examples: patchbot ask "what\'s pending?"   patchbot ask "who needs a reboot?"   patchbot ask pending local',
    'Prints the answer as text (--json: the structured form). Exit 0 when answered, 1 when not',
    '(unknown patch, host or group; not understood; refused). --page N shows page N of a list answer',
    '(as "… page N" does); --json is the same whatever the page.',
  ].join('\n'),
  options: { ...chatTextOptions, ...pageOption },
  positionals: [1, Number.POSITIVE_INFINITY],
  usesStore: true,
  run: async (context) => {
    const paged = (await import('./page-text.ts')).pagedText(context.positionals.join(' '), context.values.page as string | undefined);
    if ('error' in paged) {
      context.io.stderr.write(`patchbot ask: ${paged.error}\n${ask.usage}\n`);
      return EXIT.usage;
    }
    return (await import('./chat-text.ts')).runChatText(context, paged.text);
  },
};
