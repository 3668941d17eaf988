import { closestMatches } from '../../shared/closest-matches.ts';
import { type Command, EXIT } from '../command.ts';
import { chatTextOptions } from './chat-text-options.ts';

const VERBS = ['show', 'propose', 'approve', 'reject', 'pause', 'resume', 'cancel', 'rollback'] as const;

export const changes: Command = {
  path: ['changes'],
  summary: 'list open and recent changes',
  usage: 'Usage: patchbot changes [--json]',
  options: { ...chatTextOptions },
  positionals: [0, 0],
  usesStore: true,
  run: async (context) => (await import('./chat-text.ts')).runChatText(context, 'changes'),
};

/** `patchbot change <verb> …`: the chat command of the same words, as `--as PERSON`. */
export const change: Command = {
  path: ['change'],
  summary: 'show, propose, approve, reject, pause, resume, cancel or roll back a change',
  usage: [
    'Usage: patchbot change <verb> … --as PERSON [--json]',
    '  patchbot change show CHG-7',
    '  patchbot change propose KB5034441 DSA-5600-1 to pilot prod-web [at weeknights] [emergency] --as alice',
    '  patchbot change approve CHG-7 [comment] --as bob        patchbot change reject CHG-7 <reason> --as bob',
    '  patchbot change pause|resume|cancel CHG-7 --as alice    patchbot change rollback CHG-7 [hosts…] --as alice',
    'Acts through the same use cases as chat: the same rules, audit, cards and threads.',
  ].join('\n'),
  options: { ...chatTextOptions },
  positionals: [2, Number.POSITIVE_INFINITY],
  usesStore: true,
  async run(context) {
    const [verb = ''] = context.positionals;
    if (!(VERBS as readonly string[]).includes(verb)) {
      const close = closestMatches(verb, VERBS);
      context.io.stderr.write(`patchbot change: no verb "${verb}"${close.length ? `; did you mean ${close.join(' or ')}?` : ''} Verbs: ${VERBS.join(', ')}.\n`);
      return EXIT.usage;
    }
    return (await import('./chat-text.ts')).runChatText(context, context.positionals.join(' '));
  },
};
