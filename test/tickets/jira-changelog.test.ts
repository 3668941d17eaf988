import { afterEach, describe, expect, it } from 'vitest';
import { jiraTicketing } from '../../adapters/jira/jira-ticketing.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { draft } from './drafts.ts';

/**
 * Who cancelled an issue, when Jira Cloud's embedded changelog (expand=changelog, about 100
 * entries) no longer holds the move: patchbot reads the paged changelog, as the fake serves it.
 */
let jira: FakeJira | undefined;
afterEach(() => jira?.stop());

const carol = { name: 'Carol Chair', accountId: 'acc-carol', username: 'carol' };
const bot = { name: 'Automation for Jira', accountId: 'acc-automation' };

const cancelledThenEdited = async (deployment: 'cloud' | 'datacenter', edits: number) => {
  jira = await startFakeJira({ deployment });
  const tickets = jiraTicketing(jira.config(), { timeoutMs: 5_000 });
  const ref = await tickets.open(draft({ changeId: 'CHG-801', approvalInItsm: true }));
  jira.setStatusByHand(ref.key, 'Canceled', carol);
  const at = jira.issue(ref.key).history!.at(-1)!.created;
  // A busy history after the cancel: a bot relabelling the issue.
  jira.editByHand(ref.key, bot, edits);
  return { jira, tickets, ref, at };
};
const pagesAsked = (fake: FakeJira) =>
  fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/changelog')).map((r) => [Number(r.query.get('startAt')), Number(r.query.get('maxResults'))]);

describe('the account that cancelled a Jira issue', () => {
  it('is read from the paged changelog when the embedded one is cut short, newest pages first', async () => {
    const { jira, tickets, ref, at } = await cancelledThenEdited('cloud', 150);
    // Created, moved to Awaiting approval, cancelled: 2 moves, then 150 edits.
    const total = jira.issue(ref.key).history!.length;
    expect(total).toBe(152);
    const approval = await tickets.approvalOf(ref);
    expect(approval.ended).toEqual({ outcome: 'cancelled', state: 'Canceled', by: 'Carol Chair (acc-carol)', at });
    // The embedded changelog held the newest 100 edits only; the last page held none either.
    expect(pagesAsked(jira)).toEqual([
      [52, 100],
      [0, 52],
    ]);
  });

  it('needs no page when the embedded changelog is whole', async () => {
    const { jira, tickets, ref, at } = await cancelledThenEdited('cloud', 40);
    expect((await tickets.approvalOf(ref)).ended).toMatchObject({ by: 'Carol Chair (acc-carol)', at });
    expect(pagesAsked(jira)).toEqual([]);
  });

  it('on Data Center, whose issue embeds the whole changelog, by username', async () => {
    const { jira, tickets, ref, at } = await cancelledThenEdited('datacenter', 150);
    expect((await tickets.approvalOf(ref)).ended).toMatchObject({ by: 'Carol Chair (carol)', at });
    expect(pagesAsked(jira)).toEqual([]);
  });
});

describe("the fake's paged changelog", () => {
  it('pages oldest first with startAt and maxResults (at most 100), saying isLast and the next page', async () => {
    const { jira, ref } = await cancelledThenEdited('cloud', 150);
    const get = async (query: string) => {
      const response = await fetch(`${jira.url}/rest/api/3/issue/${ref.key}/changelog${query}`, {
        headers: { authorization: `Basic ${Buffer.from('patchbot@example.com:jira-api-token').toString('base64')}` },
      });
      return (await response.json()) as {
        startAt: number;
        maxResults: number;
        total: number;
        isLast: boolean;
        nextPage?: string;
        values: Array<{ items: Array<{ field: string; toString: string }> }>;
      };
    };
    const first = await get('');
    expect(first).toMatchObject({ startAt: 0, maxResults: 100, total: 152, isLast: false });
    expect(first.values).toHaveLength(100);
    expect(first.values[0]!.items[0]).toMatchObject({ field: 'status', toString: 'Awaiting approval' });
    expect(first.nextPage).toMatch(/\/changelog\?startAt=100&maxResults=100$/);
    const last = await get('?startAt=150&maxResults=500');
    expect(last).toMatchObject({ startAt: 150, maxResults: 100, total: 152, isLast: true });
    expect(last.values).toHaveLength(2);
    expect(last.nextPage).toBeUndefined();
  });
});
