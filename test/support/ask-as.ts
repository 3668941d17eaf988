import { randomUUID } from 'node:crypto';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Runtime } from '../../src/service/runtime.ts';

/** A console command from a configured person's direct conversation, through the runtime's hub. */
export const askAs = async (runtime: Pick<Runtime, 'hub' | 'store'>, name: string, text: string, over: Partial<Interaction> = {}) =>
  runtime.hub.handle({
    id: randomUUID(),
    surface: 'console',
    channel: 'dm:' + name,
    actor: { person: await runtime.store.people.get(name), surfaceUserId: name, displayName: name },
    kind: 'command',
    text,
    receivedAt: new Date(),
    ...over,
  });
