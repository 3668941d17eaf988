import type { OsFamily } from '../inventory/host.ts';
import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError } from '../shared/errors.ts';
import { PlaybookChoiceError } from './errors.ts';
import type { PlaybookCatalog } from './load-playbooks.ts';
import type { Playbook, PlaybookKind } from './playbook.ts';

export function getPlaybook(catalog: PlaybookCatalog, name: string): Playbook {
  const found = catalog.playbooks.get(name);
  if (!found) throw new NotFoundError('playbook', name, closestMatches(name, catalog.playbooks.keys()));
  return found;
}

/**
 * The playbook of `kind` for hosts of `os`: debian/ubuntu → scan-debian, the RHEL family →
 * scan-rhel, windows → scan-windows with the shipped folder. The choice is the playbooks' own
 * `os` lists, so a custom folder decides by what it declares. Exactly one must fit.
 */
export function playbookFor(catalog: PlaybookCatalog, kind: PlaybookKind, os: OsFamily): Playbook {
  const fits = [...catalog.playbooks.values()].filter((p) => p.kind === kind && p.os.includes(os));
  if (fits.length === 1) return fits[0]!;
  const ofKind = [...catalog.playbooks.values()].filter((p) => p.kind === kind);
  if (fits.length === 0) {
    const have = ofKind.map((p) => `${p.name} (${p.os.join(', ')})`).join('; ') || 'none';
    throw new PlaybookChoiceError(
      `No ${kind} playbook in ${catalog.dir} runs on ${os}; ${kind} playbooks there: ${have}.`,
      `Add ${os} to the os list of the right playbook, or add a ${kind}-${os} playbook to ${catalog.dir}.`,
    );
  }
  throw new PlaybookChoiceError(
    `${fits.length} ${kind} playbooks in ${catalog.dir} run on ${os}: ${fits.map((p) => p.name).join(', ')}; patchbot cannot pick one.`,
    `Remove ${os} from the os list of all but one of them.`,
  );
}

/**
 * The playbook that undoes `applied`: its inline `rollback` steps as a playbook of their own
 * (same params and smoke checks), or the rollback playbook it names.
 */
export function rollbackFor(catalog: PlaybookCatalog | undefined, applied: Playbook): Playbook {
  const { rollback } = applied;
  if (rollback === undefined) {
    throw new PlaybookChoiceError(`${applied.name} has no rollback steps.`, 'Add a rollback section to the playbook, or undo the change by hand.');
  }
  if (typeof rollback !== 'string') {
    return { ...applied, name: `${applied.name}#rollback`, kind: 'rollback', readOnly: false, steps: rollback, rollback: undefined };
  }
  if (!catalog) throw new PlaybookChoiceError(`${applied.name} names its rollback playbook ${rollback}, but no catalog was given to find it.`, 'Pass the playbook catalog to runRollback.');
  return getPlaybook(catalog, rollback);
}
