import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { startWithTeams, USERS, waitFor } from './harness.ts';

/**
 * A redelivered activity (the same activity id, as Teams sends it again after a timeout) is handled
 * once even when patchbot restarted in between: the id is claimed in the store, not in memory.
 */
let fake: FakeTeams;
let dir: string;

beforeAll(async () => {
  fake = await startFakeTeams({ users: Object.values(USERS) });
  dir = mkdtempSync(join(tmpdir(), 'patchbot-teams-restart-'));
});
afterAll(async () => {
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Teams: redelivery across a restart', () => {
  it('answers an activity once, and drops it when it comes again after a restart', async () => {
    const chat = `a:1${USERS.carol.aadObjectId}`;
    const first = await startWithTeams(fake, { dir });
    const activity = fake.sender(first.url).personal(USERS.carol, 'status web-01');
    try {
      expect((await fake.sender(first.url).send(activity)).status).toBe(200);
      await waitFor('the answer', () => fake.postsIn(chat)[0]);
    } finally {
      await first.stop();
    }
    const second = await startWithTeams(fake, { dir });
    try {
      expect((await fake.sender(second.url).send(activity)).status).toBe(200);
      await second.logged('duplicate interaction dropped', { interaction: `message:${activity.id}` });
      // A new activity is answered as usual, which shows the restarted bot answers at all.
      await fake.sender(second.url).send(fake.sender(second.url).personal(USERS.carol, 'status web-01'));
      await waitFor('the second answer', () => fake.postsIn(chat)[1]);
      expect(fake.postsIn(chat)).toHaveLength(2);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
