import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../changes/change.ts';
import type { Host } from '../inventory/host.ts';
import { type PlaybookCatalog, loadPlaybooks } from '../playbooks/load-playbooks.ts';
import { playbookFor, rollbackFor } from '../playbooks/catalog.ts';
import type { HostRun } from './rollout-store.ts';
import { checkPlaybooksFit, checkRollbackFit } from './playbook-fit.ts';
import { rollbackParams } from './run/host-params.ts';

/** The shipped playbooks' parameters against what a change can supply, per os family (issue #19). */
let catalog: PlaybookCatalog;
beforeAll(async () => {
  catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
});

const host = (name: string, os: Host['os']): Host => ({ name, os }) as Host;
const parent = (patches: string[]): Change => ({ id: 'CHG-7', patches }) as Change;
const run = (name: string, result: unknown): HostRun => ({
  changeId: 'CHG-7',
  host: name,
  wave: 0,
  batch: 0,
  state: 'verified',
  attempt: 1,
  leaseUntil: null,
  startedAt: null,
  finishedAt: null,
  result,
  error: null,
});
/** The catalog with one playbook changed: a required parameter nothing in patchbot supplies. */
const withExtraParam = (name: string): PlaybookCatalog => {
  const playbooks = new Map(catalog.playbooks);
  const book = playbooks.get(name)!;
  playbooks.set(name, { ...book, params: { ...book.params, ticket: { type: 'string', pattern: '^[A-Z]+-[0-9]+$' } } });
  return { ...catalog, playbooks };
};

describe('rollback parameters', () => {
  it('a rollback of apply-rhel-advisories starts with the advisories, not the change alone', () => {
    const rollback = rollbackFor(catalog, playbookFor(catalog, 'apply', 'rhel'));
    expect(rollbackParams(rollback, 'rhel', 'CHG-7', ['RHSA-2024:3339'], null)).toEqual({ advisories: ['RHSA-2024:3339'], packages: [], change: 'CHG-7' });
    // What the host's apply recorded wins over the change's patches (the host needed only one).
    const recorded = { advisories: ['RHSA-2024:4000'], packages: ['glibc-2.34-100.el9'], change: 'CHG-7' };
    expect(rollbackParams(rollback, 'rhel', 'CHG-7', ['RHSA-2024:3339', 'RHSA-2024:4000'], recorded)).toEqual(recorded);
  });

  it('a Debian rollback gets what its playbook declares and nothing more', () => {
    const rollback = rollbackFor(catalog, playbookFor(catalog, 'apply', 'debian'));
    const values = rollbackParams(rollback, 'debian', 'CHG-7', ['deb:openssl@3.0.13-1~deb12u1'], null);
    expect(Object.keys(values).sort()).toEqual(
      Object.keys(rollback.params)
        .filter((k) => k in values)
        .sort(),
    );
    expect(values.change).toBe('CHG-7');
  });

  it('refuses a rollback asked for on a host whose playbook has no rollback steps (Windows), naming the host', () => {
    const refuse = () =>
      checkRollbackFit(catalog, [host('win-01', 'windows'), host('rhel-01', 'rhel')], parent(['KB5034441', 'RHSA-2024:3339']), [
        run('rhel-01', { params: { advisories: ['RHSA-2024:3339'], change: 'CHG-7' } }),
      ]);
    expect(refuse).toThrow(/CHG-7 cannot be rolled back by patchbot: win-01: apply-windows-kb has no rollback steps/);
    expect(() => checkRollbackFit(catalog, [host('rhel-01', 'rhel')], parent(['RHSA-2024:3339']), [])).not.toThrow();
  });
});

describe('a proposal the playbooks cannot run', () => {
  it('is accepted when every os family can be served', () => {
    expect(() => checkPlaybooksFit(catalog, [host('web-01', 'debian'), host('db-01', 'rhel')], ['deb:openssl@3.0.13-1~deb12u1', 'RHSA-2024:3339'])).not.toThrow();
  });

  it('is refused when the apply playbook needs a parameter no patch supplies', () => {
    const refuse = () => checkPlaybooksFit(withExtraParam('apply-rhel-advisories'), [host('db-01', 'rhel')], ['RHSA-2024:3339']);
    expect(refuse).toThrow(/apply-rhel-advisories \(for rhel hosts\) needs ticket/);
  });

  it('is refused when the rollback would not start (its required parameter cannot be supplied)', () => {
    const rollbackName = playbookFor(catalog, 'apply', 'debian').rollback as string;
    const refuse = () => checkPlaybooksFit(withExtraParam(rollbackName), [host('web-01', 'debian')], ['deb:openssl@3.0.13-1~deb12u1']);
    expect(refuse).toThrow(new RegExp(`${rollbackName} needs ticket.*could not be rolled back`));
  });

  it('is refused when an os family of the targets has no apply playbook', () => {
    const playbooks = new Map([...catalog.playbooks].filter(([, p]) => !(p.kind === 'apply' && p.os.includes('rhel'))));
    expect(() => checkPlaybooksFit({ ...catalog, playbooks }, [host('db-01', 'rhel')], ['RHSA-2024:3339'])).toThrow(/No apply playbook .* runs on rhel/);
  });
});
