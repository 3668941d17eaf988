import { type RunningService, startService } from '../../src/service/start-service.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import type { FakeJira } from '../support/fake-jira.ts';
import type { FakeServiceNow } from '../support/fake-servicenow.ts';
import { platform } from '../support/platform.ts';
import { ask, estateConfig, PATCH, seedEstate, until } from './ticket-harness.ts';

/** Shared by the ITSM approval suites: the service under test takes approvals from ServiceNow or Jira. */
export const ITSM_SECRET = 'itsm-webhook-secret-for-tests';

/** The real service on a free port over the test estate, with `lines` added to its config (people, ITSM, windows). */
export const startItsmService = async (lines: string[], log: Logger = createLogger({ level: 'silent' })): Promise<RunningService> => {
  const config = await estateConfig(['server: { port: 0 }', ...lines]);
  const service = await startService({ config, platform, log, commands: { run: async () => 1 } });
  await seedEstate(service.runtime);
  return service;
};

/** Config lines for a ServiceNow that decides approvals, polled hourly (a test polls by hand). */
export const serviceNowItsm = (sn: FakeServiceNow): string[] => {
  const c = sn.config();
  return [
    'approval: { source: itsm }',
    'itsm:',
    '  kind: servicenow',
    `  servicenow: { instanceUrl: "${c.instanceUrl}", username: ${c.username}, password: ${c.password}, webhookSecret: ${ITSM_SECRET}, pollInterval: 1h }`,
  ];
};

/** The `itsm.jira` line for a Jira Service Management that decides approvals. */
export const jiraItsmLine = (jira: FakeJira): string => {
  const c = jira.config();
  return `  jira: { baseUrl: "${c.baseUrl}", email: ${c.email}, apiToken: ${c.apiToken}, projectKey: ${c.projectKey}, issueType: Change, webhookSecret: ${ITSM_SECRET} }`;
};

/** The change's audit entries, oldest first. */
export const auditOf = async (service: RunningService, id: string) => {
  const events: Array<{ actor: string; action: string; data: Record<string, unknown> }> = [];
  for await (const e of service.runtime.store.audit.read()) if (e.subject === id) events.push({ actor: e.actor, action: e.action, data: e.data });
  return events;
};

export const stateOf = async (service: RunningService, id: string) => (await service.runtime.store.changes.get(id))?.state;

/**
 * Proposes PATCH to canary and prod-web (as alice unless said; `at now` unless `when` says
 * otherwise) and waits until its ticket is open and waiting for approval in the ITSM.
 */
export const proposeAndWait = async (
  service: RunningService,
  ready: (key: string) => boolean,
  { requester = 'alice', when = ' at now' }: { requester?: string; when?: string } = {},
): Promise<{ id: string; key: string }> => {
  const id = String((await ask(service.runtime, requester, `propose ${PATCH} to canary prod-web${when}`)).data?.change);
  const { key } = await until('the ticket to be opened', async () => (await service.runtime.store.tickets.forChange(id))[0]);
  await until('the ticket to wait for approval in the ITSM', async () => ready(key));
  return { id, key };
};
