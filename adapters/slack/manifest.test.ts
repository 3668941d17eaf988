import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from './slack-module.ts';
import { BOT_SCOPES } from './startup-checks.ts';

/** The manifest people paste must ask for what the code checks and point where the code listens. */
describe('config/slack-manifest.yaml', () => {
  const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', 'config', 'slack-manifest.yaml'), 'utf8')) as {
    features: { slash_commands: { command: string; url: string }[] };
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
  };

  it('grants exactly the scopes patchbot checks at startup', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('sends the slash command, interactivity and events to the one endpoint', () => {
    const urls = [manifest.features.slash_commands[0]!.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    expect(urls).toEqual(Array(3).fill(`https://YOUR-HOST${SLACK_EVENTS_PATH}`));
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/patch']);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_mention', 'message.im']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
