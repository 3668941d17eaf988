import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import { platform } from '../support/platform.ts';
import { startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { cli, writeConfig } from '../support/cli.ts';
import { estateConfig } from './ticket-harness.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { draft } from './drafts.ts';

/** A Service Management change project's Impact field, as JSM ships it. */
const JSM_IMPACT = ['Extensive / Widespread', 'Significant / Large', 'Moderate / Limited', 'Minor / Localized'];

describe('Jira field values come from the site (createmeta)', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira({
      customFields: {
        customfield_10004: { kind: 'select', name: 'Impact', options: JSM_IMPACT },
        customfield_10005: { kind: 'select', name: 'Change type', options: ['Standard', 'Normal', 'Emergency'] },
        customfield_10006: { kind: 'select', name: 'Change risk', options: ['Low', 'Medium', 'High', 'Critical'] },
      },
    });
  });
  afterAll(() => jira.stop());

  it('refuses the site an option it does not offer, as Jira does', async () => {
    // The fake is as strict as Jira: Low/Medium/High on a JSM Impact field fails the create.
    const res = await fetch(`${jira.url}/rest/api/3/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('patchbot@example.com:jira-api-token').toString('base64')}` },
      body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Change' }, summary: 's', customfield_10004: { value: 'Low' } } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: [], errors: { customfield_10004: "Option value 'Low' is not valid" } });
  });

  it('maps impact onto the JSM options by default and creates with them', async () => {
    const tickets = jiraTicketing(jira.config({ fields: { impact: 'customfield_10004', changeType: 'customfield_10005', risk: 'customfield_10006' } }));
    const facts = await tickets.prepare!();
    expect(facts.lines).toContain(
      'impact → customfield_10004 ("Impact"): low = "Minor / Localized", medium = "Moderate / Limited", high = "Significant / Large"; allowed: "Extensive / Widespread", "Significant / Large", "Moderate / Limited", "Minor / Localized"',
    );
    const ref = await tickets.open(draft({ changeId: 'CHG-601', impact: 'high', risk: 'low', changeClass: 'emergency' }));
    expect(jira.issue(ref.key).fields).toMatchObject({ customfield_10004: { value: 'Significant / Large' }, customfield_10005: { value: 'Emergency' }, customfield_10006: { value: 'Low' } });
  });

  it('follows itsm.jira.values where it says otherwise', async () => {
    const tickets = jiraTicketing(jira.config({ fields: { impact: 'customfield_10004' }, values: { impact: { high: 'Extensive / Widespread' } } }));
    const ref = await tickets.open(draft({ changeId: 'CHG-602', impact: 'high' }));
    expect(jira.issue(ref.key).fields.customfield_10004).toEqual({ value: 'Extensive / Widespread' });
  });

  it('refuses a mapping the site cannot satisfy, naming the field and its options, before any create', async () => {
    const tickets = jiraTicketing(jira.config({ fields: { risk: 'customfield_10004' }, values: { impact: { low: 'Tiny' } } }));
    const error = (await tickets.prepare!().catch((e: unknown) => e)) as TicketingError;
    expect(error).toBeInstanceOf(TicketingError);
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain(
      'customfield_10004 ("Impact", mapped as risk) has no option for patchbot\'s "low"; allowed: "Extensive / Widespread", "Significant / Large", "Moderate / Limited", "Minor / Localized". Map it under itsm.jira.values.risk.low',
    );
    const before = jira.issues().length;
    await expect(tickets.open(draft({ changeId: 'CHG-603' }))).rejects.toThrow('The Jira field mapping does not fit the create screen of OPS / Change');
    expect(jira.issues()).toHaveLength(before);
  });

  const configFile = (values: string[]) =>
    writeConfig(
      [
        'store: { url: "pglite://memory" }',
        'log: { level: silent }',
        'itsm:',
        '  kind: jira',
        '  jira:',
        `    baseUrl: ${jira.url}`,
        '    email: patchbot@example.com',
        '    apiToken: jira-api-token',
        '    projectKey: OPS',
        '    issueType: Change',
        '    fields: { impact: customfield_10004 }',
        ...values,
      ].join('\n'),
    );

  it('config check --connect shows the options and the mapping', async () => {
    const { code, stdout } = await cli(['config', 'check', '--connect', '--config', configFile([])]);
    expect(stdout).toContain('itsm: Jira answered');
    expect(stdout).toContain('itsm: creates issues (the create screen of OPS / Change)');
    expect(stdout).toContain('itsm: impact → customfield_10004 ("Impact"): low = "Minor / Localized"');
    expect(code).toBe(0);
  });

  it('config check --connect fails on a value the field does not offer, and says which', async () => {
    const { code, stdout } = await cli(['config', 'check', '--connect', '--config', configFile(['    values: { impact: { medium: Medium } }'])]);
    expect(stdout).toContain('itsm: FAILED: The Jira field mapping does not fit the create screen of OPS / Change:');
    expect(stdout).toContain('itsm.jira.values.impact.medium: "Medium" is not an option of customfield_10004 ("Impact"); allowed: "Extensive / Widespread"');
    expect(code).toBe(1);
  });

  it('the service refuses to start with that mapping, rather than failing the first proposal', async () => {
    const config = await estateConfig([
      'itsm:',
      '  kind: jira',
      '  jira:',
      `    baseUrl: ${jira.url}`,
      '    email: patchbot@example.com',
      '    apiToken: jira-api-token',
      '    projectKey: OPS',
      '    issueType: Change',
      '    fields: { impact: customfield_10004 }',
      '    values: { impact: { medium: Medium } }',
    ]);
    const handle = await platform.openStore(config.store.url, { migrate: true });
    try {
      await expect(startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true })).rejects.toThrow(
        'itsm.jira.values.impact.medium: "Medium" is not an option of customfield_10004 ("Impact")',
      );
    } finally {
      await handle.close();
    }
  });
});

describe('a create screen longer than one createmeta page', () => {
  // 120 text fields before the Impact field: it is on the third page of 50, on both deployments.
  const crowded = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`customfield_${20000 + i}`, 'text' as const]));
  for (const deployment of ['cloud', 'datacenter'] as const) {
    it(`reads every page (${deployment}) and maps the field found on the last one`, async () => {
      const jira = await startFakeJira({ deployment, customFields: { ...crowded, customfield_10004: { kind: 'select', name: 'Impact', options: JSM_IMPACT } } });
      try {
        const tickets = jiraTicketing(jira.config({ fields: { impact: 'customfield_10004' } }));
        const facts = await tickets.prepare!();
        expect(facts.lines.find((l) => l.startsWith('impact → customfield_10004'))).toContain('low = "Minor / Localized"');
        const ref = await tickets.open(draft({ changeId: 'CHG-611', impact: 'low' }));
        expect(jira.issue(ref.key).fields.customfield_10004).toEqual({ value: 'Minor / Localized' });
      } finally {
        await jira.stop();
      }
    });
  }
});
