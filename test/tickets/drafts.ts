import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundHeaders, WebhookVerdict } from '../../src/tickets/itsm-webhook.ts';
import type { TicketDraft, TicketEvent } from '../../src/tickets/ticketing.ts';

/** A realistic draft: two rings, a window, plans from a playbook. */
export const draft = (overrides: Partial<TicketDraft> = {}): TicketDraft => ({
  changeId: 'CHG-7',
  changeClass: 'normal',
  title: 'Apply DSA-5600-1 (openssl) to web',
  description: 'Security update for openssl on the web tier.\n\nFound by the nightly scan.',
  hosts: [
    { group: 'pilot', hosts: ['web-01'] },
    { group: 'web', hosts: ['web-02', 'web-03', 'web-04'] },
  ],
  plannedStart: new Date('2024-01-20T02:00:00Z'),
  plannedEnd: new Date('2024-01-20T04:00:00Z'),
  implementationPlan: ["dpkg-query -W -f '${Package}=${Version}\\n' openssl > /var/tmp/patchbot-before", 'apt-get install -y --only-upgrade openssl'],
  backoutPlan: ['xargs -a /var/tmp/patchbot-before apt-get install -y --allow-downgrades'],
  testPlan: ['systemctl is-system-running --wait'],
  risk: 'moderate',
  impact: 'medium',
  approvalInItsm: false,
  ...overrides,
});

let sequence = 0;
/** Events with fresh ids, as the outbox would hand them out. */
export const ev = {
  approved: (approvers = ['alice']): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'approved', approvers }),
  wave: (wave: number, of: number, ok: number, failed = 0, skipped = 0): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'wave', wave, of, ok, failed, skipped }),
  halted: (reason = 'wave 1 exceeded its failure budget (1 of 1 failed)'): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'halted', reason }),
  completed: (outcome: 'successful' | 'unsuccessful' = 'successful', postReview = false): TicketEvent => ({
    id: `ev-${++sequence}`,
    kind: 'completed',
    outcome,
    summary: '4 of 4 hosts patched; rescan shows DSA-5600-1 installed',
    postReview,
  }),
  rolledBack: (): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'rolled-back', summary: 'rollback ran on web-01; openssl back to 3.0.11' }),
  cancelled: (): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'cancelled', by: 'bob', reason: 'superseded by CHG-9' }),
  expired: (): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'expired' }),
  rejected: (): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'rejected', by: ['carol'], reason: 'not during the freeze' }),
  note: (text: string): TicketEvent => ({ id: `ev-${++sequence}`, kind: 'note', text }),
};

/**
 * A loopback receiver standing in for patchbot's /itsm/* routes: it hands the exact bytes to a
 * verifier and answers 200 or 401, keeping every verdict for the test to read.
 */
export const startWebhookSink = async (verify: (headers: InboundHeaders, raw: Buffer) => WebhookVerdict) => {
  const verdicts: WebhookVerdict[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verdict = verify(req.headers, Buffer.concat(chunks));
      verdicts.push(verdict);
      res.writeHead(verdict.ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/itsm`;
  return { url, verdicts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};
