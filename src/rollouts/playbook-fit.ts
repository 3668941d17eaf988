import type { Change } from '../changes/change.ts';
import type { Host } from '../inventory/host.ts';
import type { ParamValues } from '../playbooks/render.ts';
import type { HostRun } from './rollout-store.ts';
import { playbookFor, rollbackFor } from '../playbooks/catalog.ts';
import type { PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import { PatchbotError } from '../shared/errors.ts';
import { applyParams, missingParams, rollbackParams } from './run/host-params.ts';

/**
 * Refuses, when a change is proposed, what would otherwise fail at 3 a.m. in its window: an os
 * family of the targets with no apply playbook, or an apply or rollback playbook whose required
 * parameters the change's patches cannot supply (issue #19). Hosts of an os whose form none of the
 * patches take (a KB on a Debian host) are left to the run: they need none of them.
 */
export const checkPlaybooksFit = (catalog: PlaybookCatalog, hosts: readonly Host[], patches: readonly string[], changeId = 'CHG-0'): void => {
  const problems: string[] = [];
  for (const os of [...new Set(hosts.map((h) => h.os))].sort()) {
    let apply;
    try {
      apply = playbookFor(catalog, 'apply', os);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const values = applyParams(os, patches, changeId);
    if (!values) continue;
    const missing = missingParams(apply, values);
    if (missing.length) {
      problems.push(`${apply.name} (for ${os} hosts) needs ${missing.join(', ')}, which patchbot cannot supply from ${patches.join(', ')}.`);
      continue;
    }
    if (apply.rollback === undefined) continue;
    try {
      rollbackParams(rollbackFor(catalog, apply), os, changeId, patches, values);
    } catch (error) {
      problems.push(`${(error as Error).message}: the change could not be rolled back.`);
    }
  }
  if (problems.length) {
    throw new PatchbotError(
      'invalid-proposal',
      `This change cannot run as proposed: ${problems.join(' ')}`,
      'Fix the playbook parameters (patchbot playbook validate) or leave those hosts out of the targets.',
    );
  }
};

/** The parameters a host's apply ran with, as its run recorded them (run-host.ts), or null. */
export const recordedParams = (run: HostRun | undefined): ParamValues | null => {
  const params = (run?.result as { params?: unknown } | null)?.params;
  return params && typeof params === 'object' && !Array.isArray(params) ? (params as ParamValues) : null;
};

/**
 * Refuses a rollback whose playbook cannot start on one of its hosts (no rollback steps for the
 * os, a required parameter the change cannot supply) when it is asked for, not when it runs.
 */
export const checkRollbackFit = (catalog: PlaybookCatalog, hosts: readonly Host[], parent: Change, runs: readonly HostRun[]): void => {
  const problems: string[] = [];
  for (const host of hosts) {
    try {
      const rollback = rollbackFor(catalog, playbookFor(catalog, 'apply', host.os));
      rollbackParams(rollback, host.os, parent.id, parent.patches, recordedParams(runs.find((r) => r.host === host.name)));
    } catch (error) {
      problems.push(`${host.name}: ${(error as Error).message}`);
    }
  }
  if (problems.length) {
    throw new PatchbotError(
      'rollback-impossible',
      `${parent.id} cannot be rolled back by patchbot: ${problems.join('; ')}`,
      'Undo those hosts by hand, or leave them out: `rollback <change> <hosts>`.',
    );
  }
};
