import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newSessionId, sessionPerson, startSession } from '../src/people/sign-in-sessions.ts';
import { cli } from './support/cli.ts';
import { platform } from './support/platform.ts';

/** `patchbot sign-out PERSON`: every console sign-in of one person ends at once, audited; nobody else's. */
let dir: string;
let config: string;
const url = () => `pglite://${dir}/data`;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-sign-out-'));
  config = join(dir, 'patchbot.yaml');
  writeFileSync(config, [`store: { url: "${url()}" }`, 'log: { level: warn }', 'schedules: { discovery: null }'].join('\n'));
});

/** Opens the CLI's store between commands (PGlite is one process's at a time). */
const inStore = async <T>(work: (store: Awaited<ReturnType<typeof platform.openStore>>['store']) => Promise<T>): Promise<T> => {
  const handle = await platform.openStore(url(), { migrate: true });
  try {
    return await work(handle.store);
  } finally {
    await handle.close();
  }
};

describe('patchbot sign-out', () => {
  it("ends dave's sessions in every browser, audits it, and leaves erin signed in", async () => {
    const [laptop, phone, hers] = [newSessionId(), newSessionId(), newSessionId()];
    await inStore(async (store) => {
      for (const [id, person] of [
        [laptop, 'dave'],
        [phone, 'dave'],
        [hers, 'erin'],
      ] as const)
        await startSession(store.signInSessions, id, person, new Date(), 12 * 3600_000);
    });
    const out = await cli(['sign-out', 'dave', '--config', config]);
    expect(out).toMatchObject({ code: 0, stdout: 'Ended 2 console sign-in sessions of dave: each of those browsers must sign in again.\n' });
    await inStore(async (store) => {
      const now = new Date();
      expect(await sessionPerson(store.signInSessions, laptop, now)).toBeNull();
      expect(await sessionPerson(store.signInSessions, phone, now)).toBeNull();
      expect(await sessionPerson(store.signInSessions, hers, now)).toBe('erin');
      const audit = [];
      for await (const e of store.audit.read()) if (e.action === 'sign-in.ended-everywhere') audit.push(e);
      expect(audit).toEqual([expect.objectContaining({ subject: 'dave', data: { sessions: 2 } })]);
    });
    expect(await cli(['sign-out', 'dave', '--config', config])).toMatchObject({ code: 0, stdout: 'dave has no live console sign-in session; nothing to end.\n' });
  });

  it('names the people it knows for a name it does not, ending nothing', async () => {
    const hers = newSessionId();
    await inStore((store) => startSession(store.signInSessions, hers, 'erin', new Date(), 12 * 3600_000));
    const out = await cli(['sign-out', 'erni', '--config', config]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('patchbot sign-out: No person named erni. Did you mean erin?\n');
    expect(await inStore((store) => sessionPerson(store.signInSessions, hers, new Date()))).toBe('erin');
  });
});
