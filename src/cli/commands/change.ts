import { closestMatches } from '../../shared/closest-matches.ts';
import { type Command, EXIT } from '../command.ts';
import { chatTextOptions, pageOption } from './chat-text-options.ts';

const VERBS = ['show', 'propose', 'approve', 'reject', 'pause', 'resume', 'cancel', 'rollback'] as const;

/** What each verb needs after it, for the message when it is missing. */
const VERB_USAGE: Record<(typeof VERBS)[number], string> = {
  show: 'patchbot change show CHG-7 [patches]',
  propose: 'patchbot change propose PATCH… to GROUP… [at weeknights] [emergency] --as alice   (patch ids: patchbot ask pending)',
  approve: 'patchbot change approve CHG-7 [comment] --as bob',
  reject: 'patchbot change reject CHG-7 <reason> --as bob',
  pause: 'patchbot change pause CHG-7 --as alice',
  resume: 'patchbot change resume CHG-7 --as alice',
  cancel: 'patchbot change cancel CHG-7 --as alice',
  rollback: 'patchbot change rollback CHG-7 [hosts…] --as alice',
};

export const changes: Command = {
  path: ['changes'],
  summary: 'list open and recent changes',
  usage: 'Usage: patchbot changes [--page N] [--json]',
  options: { ...chatTextOptions, ...pageOption },
  positionals: [0, 0],
  usesStore: true,
  run: async (context) => {
    const paged = (await import('./page-text.ts')).pagedText('changes', context.values.page as string | undefined);
    if ('error' in paged) {
      context.io.stderr.write(`patchbot changes: ${paged.error}\n${changes.usage}\n`);
      return EXIT.usage;
    }
    return (await import('./chat-text.ts')).runChatText(context, paged.text);
  },
};

/** `patchbot change <verb> …`: the chat command of the same words, as `--as PERSON`. */
export const change: Command = {
  path: ['change'],
  summary: 'show, propose, approve, reject, pause, resume, cancel or roll back a change',
  usage: [
    'Usage: patchbot change <verb> … --as PERSON [--json]',
    '  patchbot change show CHG-7',
    '  patchbot change propose PATCH… to GROUP… [at weeknights] [emergency] --as alice   (patch ids: patchbot ask pending)',
    '  patchbot change approve CHG-7 [comment] --as bob        patchbot change reject CHG-7 <reason> --as bob',
    '  patchbot change pause|resume|cancel CHG-7 --as alice    patchbot change rollback CHG-7 [hosts…] --as alice',
    'Acts through the same use cases as chat: the same rules, audit, cards and threads.',
  ].join('\n'),
  options: { ...chatTextOptions },
  positionals: [1, Number.POSITIVE_INFINITY],
  usesStore: true,
  async run(context) {
    const [verb = ''] = context.positionals;
    if (!(VERBS as readonly string[]).includes(verb)) {
      const close = closestMatches(verb, VERBS);
      context.io.stderr.write(`patchbot change: no verb "${verb}"${close.length ? `; did you mean ${close.join(' or ')}?` : ''} Verbs: ${VERBS.join(', ')}.\n`);
      return EXIT.usage;
    }
    if (context.positionals.length < 2) {
      const what = verb === 'propose' ? 'the patches and the target are' : 'the change id is';
      context.io.stderr.write(`patchbot change ${verb}: ${what} missing.\nUsage: ${VERB_USAGE[verb as (typeof VERBS)[number]]}\n`);
      return EXIT.usage;
    }
    // Every verb but show acts as someone: without --as the chat layer would answer as nobody
    // ("ask an admin to add your account"), which is a usage error, not a missing account.
    if (verb !== 'show' && !context.values.as) {
      context.io.stderr.write(`patchbot change ${verb}: --as PERSON is required (a name under people: in the config).\nUsage: ${VERB_USAGE[verb as (typeof VERBS)[number]]}\n`);
      return EXIT.usage;
    }
    return (await import('./chat-text.ts')).runChatText(context, context.positionals.join(' '));
  },
};
