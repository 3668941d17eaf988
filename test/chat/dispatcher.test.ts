import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, consoleInteraction } from '../support/chat.ts';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';
import { VoteRefusedError } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { answerHandlers } from '../../src/chat/answers/handlers.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import type { Interaction, InteractionKind } from '../../src/chat/interaction.ts';

/**
 * Routing, registration, errors and retries, over a real store (fresh PGlite with the shared
 * test estate). What the answers say is answers/answers.test.ts's business.
 */
const now = new Date('2024-05-01T12:00:00Z');
let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let logged = '';
const deps = (over: Partial<DispatchDeps> = {}): DispatchDeps => ({
  store,
  handlers: answerHandlers,
  now: () => now,
  newRef: () => 'ab12cd34',
  log: createLogger({ level: 'debug', format: 'json', destination: new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }) }),
  ...over,
});
const interaction = (text: string, kind: InteractionKind = 'question', over: Partial<Interaction> = {}): Interaction => consoleInteraction(text, now, kind, over);
const ask = (text: string, kind?: InteractionKind, over?: Partial<DispatchDeps>) => dispatch(interaction(text, kind), deps(over));

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
});
afterAll(async () => opened?.store.close());

describe('dispatch', () => {
  it('routes plain commands and questions to the same intent', async () => {
    const command = await ask('reboots', 'command');
    const question = await ask('which machines need a restart?');
    expect(command.intent).toEqual(question.intent);
    expect(command.public).toEqual(question.public);
  });

  it('answers help privately', async () => {
    const reply = checked(await ask('help', 'command'));
    expect(reply.public).toBeUndefined();
    expect(reply.private?.title).toBe('What patchbot understands');
    expect(reply.private?.lists?.[0]?.items).toContain('`missing <patch> [in <group|host>]` — which hosts are missing a patch');
    expect(reply.error).toBeUndefined();
  });

  it('lists only what the asker may do: a stranger or a viewer is shown the questions, and told why', async () => {
    const helpFor = async (person: string | null) => {
      const actor = { person: person ? await store.people.get(person) : null, surfaceUserId: 'u1', displayName: person ?? 'Uma' };
      return checked(await dispatch(interaction('help', 'command', { actor }), deps())).private!;
    };
    const verbsIn = (card: { lists?: { items: string[] }[] | undefined }) => card.lists![0]!.items.map((item) => /^`(\w+)/.exec(item)![1]);
    const acting = ['scan', 'propose', 'approve', 'reject', 'pause', 'resume', 'cancel', 'rollback'];
    for (const asker of [null, 'frank']) {
      const card = await helpFor(asker);
      expect(verbsIn(card)).toEqual(['help', 'missing', 'status', 'pending', 'reboots', 'compliance', 'changes', 'show']);
      expect(card.text).toMatch(/^You can ask and read; scanning, proposing, voting and steering changes need a configured person who is not only a viewer\.$/);
    }
    const alice = await helpFor('alice');
    expect(verbsIn(alice)).toEqual(expect.arrayContaining(acting));
    expect(alice.text).toBeUndefined();
    // Asking about a command one may not use still explains it, and says why not.
    const topic = checked(await dispatch(interaction('help scan', 'command'), deps())).private!;
    expect(topic.text).toMatch(/^Scan hosts for missing patches now\.\nYou can ask and read;/);
  });

  it('turns a question it cannot place into help that says so, marked as not understood', async () => {
    const reply = checked(await ask('what is the meaning of life?'));
    expect(reply.private?.text).toMatch(/^I understood none of that; try: `what's pending\?`/);
    expect(reply.error).toMatchObject({ code: 'not-understood', ref: 'ab12cd34' });
    const nearMiss = await ask('rebots please');
    expect(nearMiss.private?.text).toMatch(/^I understood none of that\. Did you mean `reboots \[group\|host\]`\? Or try: `what's pending\?`/);
  });

  it('gives a /patch command with bad arguments its usage line, privately', async () => {
    const reply = checked(await ask('status', 'command'));
    expect(reply.private).toMatchObject({ title: "I didn't get that", text: 'Which host? `status web-01`.\nUsage: `status <host>`', context: 'ref ab12cd34' });
    expect(reply.error?.code).toBe('usage');
    const typo = checked(await ask('rebots prod-web', 'command'));
    expect(typo.private?.text).toBe("I don't know the command `rebots`. Did you mean `reboots`?\nUsage: `reboots [group|host]`");
    // A typo the question rules can still place is answered rather than refused.
    expect((await ask('mising KB5034441', 'command')).intent).toEqual({ kind: 'missing', patch: 'KB5034441', target: null });
  });

  it('says plainly that an unregistered use case is not available yet', async () => {
    const reply = checked(await ask('propose KB5034441 to prod-web', 'command'));
    expect(reply.intent).toMatchObject({ kind: 'propose' });
    expect(reply.private).toMatchObject({ title: 'Not available yet', text: '`propose` is not available yet; `help` lists what works now.' });
    expect(reply.error?.code).toBe('not-available');
  });

  it('lets a feature register a handler, typed by its intent', async () => {
    const seen: string[] = [];
    const reply = await ask('approve CHG-7 looks fine', 'command', {
      handlers: {
        ...answerHandlers,
        approve: async (intent, { interaction }) => {
          seen.push(`${intent.change}:${intent.comment}:${interaction.actor.displayName}`);
          return { public: { title: `Vote recorded on ${intent.change}` } };
        },
      },
    });
    expect(seen).toEqual(['CHG-7:looks fine:Uma']);
    expect(reply).toMatchObject({ intent: { kind: 'approve', change: 'CHG-7' }, public: { title: 'Vote recorded on CHG-7' } });
  });

  it('maps typed errors to an actionable private card with the hint', async () => {
    const reply = checked(
      await ask('approve CHG-7', 'command', {
        handlers: {
          approve: async () => {
            throw new VoteRefusedError('alice proposed CHG-7 and cannot approve it.', 'Ask someone from role:cab.');
          },
        },
      }),
    );
    expect(reply.private).toEqual({ title: 'Vote not counted', text: 'alice proposed CHG-7 and cannot approve it.\nAsk someone from role:cab.', context: 'ref ab12cd34' });
    expect(reply.error).toMatchObject({ code: 'vote-refused' });
  });

  it('hides unexpected errors behind a correlation id, and logs them under it', async () => {
    logged = '';
    const reply = checked(
      await ask('reboots', 'command', {
        handlers: {
          reboots: async () => {
            throw new Error('connection reset by peer');
          },
        },
      }),
    );
    expect(reply.private?.text).toBe('Something went wrong (ref ab12cd34). It has been logged; quote the ref when you report it.');
    expect(JSON.stringify(reply)).not.toContain('connection reset');
    const line = JSON.parse(logged.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'chat request failed', ref: 'ab12cd34', surface: 'console', err: { message: 'connection reset by peer' } });
  });

  it('drops a retried delivery of the same interaction', async () => {
    const once = interaction('reboots', 'command', { id: 'evt-42', surface: 'slack' });
    expect((await dispatch(once, deps())).public).toBeDefined();
    expect(await dispatch(once, deps())).toEqual({ duplicate: true });
    expect((await dispatch({ ...once, surface: 'teams' }, deps())).public).toBeDefined();
  });

  it('routes button clicks by action id, and says so for an unknown button', async () => {
    const click = (id: string) => interaction('', 'action', { action: { id, value: 'CHG-7' } });
    const reply = await dispatch(click('change.approve'), deps({ actions: { 'change.approve': async (action) => ({ private: { title: `clicked ${action.value}` } }) } }));
    expect(reply.private?.title).toBe('clicked CHG-7');
    expect((await dispatch(click('digest.defer'), deps())).error?.code).toBe('not-available');
  });

  it('never throws on hostile text', async () => {
    for (const text of ['$(rm -rf /)', '`id`', '\u0000', '💥'.repeat(5000), 'status web-01; reboot', 'missing KB5034441 in ../../etc']) {
      const reply = checked(await ask(text));
      expect(reply.public ?? reply.private).toBeDefined();
    }
  });
});
