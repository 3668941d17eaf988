import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbookFor } from '../../playbooks/catalog.ts';
import { loadPlaybooks } from '../../playbooks/load-playbooks.ts';
import { dialectFor, renderCommand, renderParams } from '../../playbooks/render.ts';
import { applyParams } from './host-params.ts';

/** What the shipped apply playbook of each os family is told to install, rendered as the host receives it. */
const installCommand = async (os: 'debian' | 'rhel' | 'windows', missing: string[]) => {
  const catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', '..', 'playbooks'));
  const playbook = playbookFor(catalog, 'apply', os);
  const params = applyParams(os, missing, 'CHG-7');
  if (!params) return null;
  const rendered = renderParams(playbook, params, dialectFor(os));
  const step = playbook.steps.find((s) => 'run' in s && /exactly what was approved|installer script/.test(s.name))!;
  return { params, command: renderCommand(playbook.name, (step as { run: string }).run, rendered, dialectFor(os)).command };
};

describe('the apply playbooks install exactly what was approved', () => {
  it('Debian: deb:openssl@3.0.13-1~deb12u1 becomes openssl=3.0.13-1~deb12u1, never a bare name', async () => {
    const result = await installCommand('debian', ['deb:openssl@3.0.13-1~deb12u1', 'deb:libssl3@1:3.0.13-1~deb12u1', 'DSA-5600-1']);
    expect(result?.params).toEqual({ packages: ['openssl=3.0.13-1~deb12u1', 'libssl3=1:3.0.13-1~deb12u1'], change: 'CHG-7' });
    expect(result?.command).toContain("for want in 'openssl=3.0.13-1~deb12u1' 'libssl3=1:3.0.13-1~deb12u1'; do");
  });

  it('RHEL: rpm: patches become name-version-release, advisories their ids (an rpm: patch used to produce no parameters)', async () => {
    const result = await installCommand('rhel', ['rpm:glibc@2.34-100.el9', 'RHSA-2024:3339']);
    expect(result?.params).toEqual({ advisories: ['RHSA-2024:3339'], packages: ['glibc-2.34-100.el9'], change: 'CHG-7' });
    expect(result?.command).toContain("for advisory in 'RHSA-2024:3339'; do");
    expect(result?.command).toContain("for nvr in 'glibc-2.34-100.el9'; do");
    const rpmOnly = await installCommand('rhel', ['rpm:openssl-libs@1:3.0.7-27.el9']);
    expect(rpmOnly?.params).toEqual({ advisories: [], packages: ['openssl-libs-1:3.0.7-27.el9'], change: 'CHG-7' });
  });

  it('Windows: the KBs', async () => {
    const result = await installCommand('windows', ['KB5034441', 'deb:openssl@1']);
    expect(result?.params).toEqual({ kbs: ['KB5034441'], change: 'CHG-7' });
    expect(result?.command).toMatch(/EncodedCommand/);
  });

  it('leaves a host alone when none of its patches is for its os', async () => {
    expect(applyParams('debian', ['KB5034441'], 'CHG-7')).toBeNull();
    expect(applyParams('rhel', ['deb:openssl@3.0.13-1'], 'CHG-7')).toBeNull();
  });
});
