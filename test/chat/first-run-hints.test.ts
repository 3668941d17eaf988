import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction, InteractionKind } from '../../src/chat/interaction.ts';
import { EXAMPLES } from '../../src/chat/verbs.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { syncConfigToStore } from '../../src/service/sync-config.ts';
import { freshPglite } from '../support/engines.ts';

/**
 * Every hint patchbot shows a newcomer — the console's input placeholders, the "try these"
 * examples and help, the README's walk-through and question examples — run as written against
 * the embedded defaults (config/default.yaml: one host `localhost` in group `local`), after a first
 * scan of this machine found one patch. `<…>` placeholders stand for what the hint says to take
 * from an earlier answer (a patch id `pending` lists). None may come back as an error.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const PATCH = 'deb:zlib1g@1:1.2.13.dfsg-1+deb12u9';
const now = new Date();

let config: Config;
let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let counter = 0;

const deps = (): DispatchDeps => {
  const { handlers, actions } = chatHandlers({ config });
  return { store, handlers, actions, now: () => now, newRef: () => 'ref00001' };
};
const run = async (text: string, kind: InteractionKind, channel = 'approvals') => {
  const interaction: Interaction = {
    id: `i-${++counter}`,
    surface: 'console',
    channel,
    actor: { person: await store.people.get('alice'), surfaceUserId: 'alice', displayName: 'alice' },
    kind,
    text,
    receivedAt: now,
  };
  return dispatch(interaction, deps());
};
/** As the console sends it: `/patch …` is a command, anything else a question. */
const say = (text: string) => (text.startsWith('/patch ') ? run(text.slice('/patch '.length), 'command') : run(text, 'question', 'dm:alice'));
/** Fills a hint's `<…>` placeholder with the one patch id the first scan found. */
const filled = (hint: string) => hint.replace(/deb:<package>@<version>|<[^>]+>/g, PATCH);

beforeAll(async () => {
  ({ config } = await loadConfig({ files: [], env: {}, cwd: mkdtempSync(join(tmpdir(), 'patchbot-first-run-')) }));
  opened = await freshPglite();
  store = opened.store;
  await syncConfigToStore(store, config);
  await store.scans.start('scan-first', 'startup', ['localhost'], now);
  await store.patches.upsert([{ id: PATCH, title: 'zlib1g 1:1.2.13.dfsg-1+deb12u9', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: now }], 'scan-first');
  await store.findings.record('scan-first', 'localhost', [{ patchId: PATCH, state: 'missing' }], now);
  await store.scans.finish('scan-first', now);
});
afterAll(async () => opened?.store.close());

const expectAnswered = async (hint: string) => {
  const reply = await say(filled(hint));
  expect(reply.error, `${hint}: ${reply.error?.message ?? ''}`).toBeUndefined();
  return reply;
};

describe('first run on the embedded defaults', () => {
  it("runs the console's input hints", async () => {
    const page = readFileSync(join(ROOT, 'adapters/console/page/app.js'), 'utf8');
    const hints = /const HINTS = \{([\s\S]*?)\};/.exec(page)?.[1] ?? '';
    const commands = [...hints.matchAll(/\/patch [^,'"]+?(?=,|'|"| then)/g)].map((m) => m[0].trim());
    const questions = [...hints.matchAll(/e\.g\. (.*?)",?$/gm)].flatMap((m) => m[1]!.split(' or ').map((q) => q.trim()));
    expect(commands).toEqual(['/patch pending', '/patch propose <an id it lists> to local']);
    expect(questions).toEqual(["what's pending?", 'who needs a reboot?']);
    for (const hint of [...commands, ...questions]) await expectAnswered(hint);
  });

  it('runs every example that help and "not understood" offer', async () => {
    const help = await expectAnswered('help');
    const offered = help.private?.lists?.find((l) => l.heading === 'Or ask')?.items ?? [];
    expect(offered.length).toBeGreaterThan(0);
    for (const example of [...EXAMPLES, ...offered]) await expectAnswered(example);
    const lost = await say('flibbertigibbet');
    for (const example of [...(lost.private?.text ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!)) await expectAnswered(example);
  });

  it("runs the README's walk-through and question examples", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const examples = [
      '/patch propose deb:<package>@<version> to local',
      'which servers are missing <an id from the digest>?',
      'who needs a reboot?',
      'compliance pci',
      'changes',
      'show CHG-1',
      'help',
      'pending local',
      'status localhost',
      'missing <a patch id pending lists> in local',
      'reboots',
      "what's pending in local?",
      "what's pending?",
    ];
    const flat = readme.replace(/\s+/g, ' ');
    for (const example of examples) {
      expect(flat, `README no longer shows ${example}`).toContain(example.replace(/^\/patch (?!propose)/, ''));
      await expectAnswered(/^(pending|status|missing|reboots|compliance|changes|show|help)\b/.test(example) ? `/patch ${example}` : example);
    }
  });

  it('answers an unknown group with the known ones, and an unknown patch with how to find them', async () => {
    const group = await say(`/patch propose ${PATCH} to prod-web`);
    expect(group.private?.text).toMatch(/^No group named `prod-web`\. Known groups: `local`\./);
    const patch = await say('/patch propose KB5034441 to local');
    expect(patch.private?.text).toMatch(/^No patch named `KB5034441`\. Only patches a scan has found can be proposed: `pending` lists them/);
    const missing = await say('which servers are missing KB5034441?');
    expect(missing.private?.text).toMatch(/`pending` lists the patches scans have found missing/);
    const where = await say('/patch pending in prod-web');
    expect(where.private?.text).toMatch(/^No group or host named `prod-web`\. Known groups and hosts: `local`, `localhost`\./);
  });
});
