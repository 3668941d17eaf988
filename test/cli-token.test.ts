import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './support/cli.ts';

/** `patchbot token create|list|revoke`: printed once, listed without the secret, revoked for good. */
let config: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-token-'));
  config = join(dir, 'patchbot.yaml');
  writeFileSync(config, [`store: { url: "pglite://${dir}/data" }`, 'log: { level: warn }', 'schedules: { discovery: null }'].join('\n'));
});

describe('patchbot token', () => {
  it('creates a token for a configured person, lists it without the secret, and revokes it once', async () => {
    const created = await cli(['token', 'create', '--as', 'alice', '--expires', '30d', '--config', config]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^pat_[A-Za-z0-9_-]{40,}$/);
    const id = /Token (tok-[0-9a-f]+) acts as alice until /.exec(created.stderr)?.[1];
    expect(id).toBeDefined();

    const listed = await cli(['token', 'list', '--config', config]);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  alice  created .+  expires .+  last used never$`, 'm'));
    expect(listed.stdout).not.toContain(secret);

    expect((await cli(['token', 'revoke', id!, '--config', config])).stdout).toBe(`Revoked ${id}: it no longer acts as anyone.\n`);
    const again = await cli(['token', 'revoke', id!, '--config', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No live access token/);
    expect((await cli(['token', 'list', '--config', config])).stdout).toMatch(new RegExp(`${id}  alice  .*revoked`));
  });

  it('refuses an unknown person and a lifetime without a unit, creating nothing', async () => {
    const before = (await cli(['token', 'list', '--json', '--config', config])).stdout;
    const nobody = await cli(['token', 'create', '--as', 'alcie', '--config', config]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/No person named alcie\b.*alice/);
    const unitless = await cli(['token', 'create', '--as', 'alice', '--expires', '90', '--config', config]);
    expect(unitless.code).toBe(2);
    expect(unitless.stderr).toMatch(/--expires 90: write a duration with a unit/);
    expect((await cli(['token', 'list', '--json', '--config', config])).stdout).toBe(before);
  });
});
