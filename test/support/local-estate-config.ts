import { writeConfig } from './cli.ts';
import { TEST_SERVER_TOKEN } from './server-token.ts';

/**
 * The config file of a runtime test over hosts reached locally (connection: local): an in-memory
 * store, silent log, no discovery schedule, and what the test is about. `realExecution` sets
 * `execution.dryRun: false` and the server token that leaves demo mode, as a live deployment must
 * (src/config/demo-mode.ts); `execution` holds the test's other execution settings, e.g.
 * `hostRunLease: 3s`. Windows, rollout and the rest are YAML fragments, written as given.
 */
export const writeLocalEstateConfig = (estate: {
  hosts: readonly string[];
  os?: 'debian' | 'windows';
  groups: Record<string, readonly string[]>;
  rollout: string;
  windows?: string;
  realExecution?: boolean;
  execution?: string;
}): string => {
  const execution = [...(estate.realExecution ? ['dryRun: false'] : []), ...(estate.execution ? [estate.execution] : [])];
  return writeConfig(
    [
      ...(estate.realExecution ? [`server: { token: ${TEST_SERVER_TOKEN} }`] : []),
      'store: { url: "pglite://memory" }',
      'log: { level: silent }',
      'schedules: { discovery: null }',
      ...(estate.windows ? [`windows: ${estate.windows}`] : []),
      ...(execution.length ? [`execution: { ${execution.join(', ')} }`] : []),
      'inventory:',
      '  hosts:',
      ...estate.hosts.map((h) => `    - { name: ${h}, address: 127.0.0.1, os: ${estate.os ?? 'debian'}, connection: local }`),
      '  groups:',
      ...Object.entries(estate.groups).map(([name, members]) => `    - { name: ${name}, members: [${members.join(', ')}] }`),
      `rollout: ${estate.rollout}`,
    ].join('\n'),
  );
};
