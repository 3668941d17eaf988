import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { REDACTED, redactConfig, SECRET_KEY_PATTERN } from './secrets.ts';

describe('SECRET_KEY_PATTERN', () => {
  it.each(['token', 'botToken', 'signingSecret', 'appPassword', 'apiToken', 'personalAccessToken', 'clientSecret', 'webhookSecret', 'password', 'privateKey', 'Authorization'])(
    'matches %s',
    (key) => expect(SECRET_KEY_PATTERN.test(key)).toBe(true),
  );
  it.each(['privateKeyPath', 'knownHostsPath', 'username', 'tokenUrl', 'appId', 'email'])('does not match %s', (key) => expect(SECRET_KEY_PATTERN.test(key)).toBe(false));
});

describe('redactConfig', () => {
  it('replaces secret values and URL passwords in a copy', async () => {
    const { config } = await loadConfig({
      env: { SLACK_BOT_TOKEN: 'xoxb-secret', PATCHBOT_SERVER_TOKEN: 'sixteen-chars-or-more', DATABASE_URL: 'postgres://patchbot:hunter2@db:5432/pb' },
      cwd: tmpdir(),
    });
    const redacted = redactConfig(config);
    expect(redacted.server.token).toBe(REDACTED);
    expect(redacted.store.url).toBe(`postgres://patchbot:${REDACTED}@db:5432/pb`);
    expect(JSON.stringify(redacted)).not.toMatch(/xoxb-secret|hunter2|sixteen-chars/);
    expect(config.server.token).toBe('sixteen-chars-or-more');
  });
});
