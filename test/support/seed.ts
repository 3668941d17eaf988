import type { ApprovalConfig } from '../../src/changes/approval-policy-config.ts';
import { ApprovalConfig as ApprovalSchema } from '../../src/changes/approval-policy-config.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';

/** The policies of DESIGN §3, parsed through the real config schema. */
export const designPolicies: ApprovalConfig = ApprovalSchema.parse({
  normal: { approvers: ['role:oncall'], required: 1 },
  production: { voters: ['role:cab'], quorum: 3, rejectWins: true, expiresIn: '48h' },
  emergency: { approvers: ['role:oncall'], required: 1, notify: ['role:cab'], postReview: true },
  standard: { required: 0 },
});

/** A small estate: a production web group, a staging group, a CAB of four, an on-call pair. */
export const seedEstate = async (store: PatchbotStore) => {
  await store.people.sync([
    { name: 'alice', roles: ['oncall'] },
    { name: 'olga', roles: ['oncall'] },
    { name: 'bob', roles: ['cab'] },
    { name: 'carol', roles: ['cab'] },
    { name: 'dave', roles: ['cab'] },
    { name: 'erin', roles: ['cab', 'oncall'] },
    { name: 'frank', roles: ['viewer'] },
  ]);
  await store.hosts.sync([
    { name: 'web-01', address: '10.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['prod-web'], tags: {}, connection: 'ssh' },
    { name: 'stg-01', address: '10.0.1.1', port: 22, user: 'root', os: 'debian', groups: ['staging'], tags: {}, connection: 'ssh' },
  ]);
  await store.groups.sync([
    { name: 'prod-web', members: ['web-01'], production: true },
    { name: 'staging', members: ['stg-01'], production: false },
  ]);
  await store.patches.upsert([
    {
      id: 'KB5034441',
      title: 'Windows Recovery Environment update',
      severity: 'important',
      security: true,
      cves: ['CVE-2024-20666'],
      rebootHint: true,
      firstSeen: new Date('2024-01-09T00:00:00Z'),
    },
  ]);
};
