import type { Command } from '../command.ts';
import { chatTextOptions } from './chat-text-options.ts';

export const ask: Command = {
  path: ['ask'],
  summary: 'answer a question or run a chat command, exactly as chat does',
  usage: [
    'Usage: patchbot ask "<question or command>" [--json] [--as PERSON]',
    'Examples: patchbot ask "what\'s pending?"   patchbot ask "who needs a reboot?"   patchbot ask pending local',
    'Prints the answer as text (--json: the structured form). Exit 0 when answered, 1 when not',
    '(unknown patch, host or group; not understood; refused).',
  ].join('\n'),
  options: { ...chatTextOptions },
  positionals: [1, Number.POSITIVE_INFINITY],
  usesStore: true,
  run: async (context) => (await import('./chat-text.ts')).runChatText(context, context.positionals.join(' ')),
};
