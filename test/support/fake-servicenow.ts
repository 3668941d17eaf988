import type { ServiceNowConfig } from '../../src/config/schema-itsm.ts';
import { type FakeReply, type FakeRequest, type FaultMatch, LoopbackFake, postWebhook } from './fakes/http-fake.ts';
import {
  appendWorkNote,
  approverRow,
  touch,
  entersApproval,
  lengthViolations,
  matches,
  refusedMove,
  rowOf,
  type SnApprover,
  type SnChange,
  type SnUser,
  type SnUserSpec,
  sysId,
} from './fakes/servicenow-records.ts';
import { type ApprovalPolicy, changeApi } from './fakes/servicenow-change-api.ts';
import { serviceNowAuth } from './fakes/servicenow-oauth.ts';
import { businessRuleDelivery } from './fakes/servicenow-webhook.ts';

/**
 * A stateful loopback ServiceNow: Table API on change_request and sysapproval_approver, the
 * /oauth_token.do grants, `{"result": …}` and `{"error": …, "status": "failure"}` envelopes, the
 * default change state models, journal work notes, and a CAB that tests can make approve.
 */
export interface FakeServiceNowOptions {
  username?: string;
  password?: string;
  /** Enables /oauth_token.do for this client; tokens live `tokenTtlSeconds` (default 1800). */
  oauth?: { clientId: string; clientSecret: string; tokenTtlSeconds?: number };
  /** Who gets an approval row when a change asks for approval (sys_user records made on first use). */
  approvers?: SnUserSpec[];
  /** The Change Management API plugin (sn_chg_rest) is active. Default: not (the Table API only). */
  changeApi?: boolean;
  /** How the instance approves patchbot's changes through the Change API; default `cab` (someone must approve). */
  approvalPolicy?: ApprovalPolicy;
  /** sys_ids of active standard change templates. */
  standardTemplates?: string[];
}

const failure = (status: number, message: string, detail: string | null = null, headers: Record<string, string> = {}): FakeReply => ({
  status,
  body: { error: { message, detail }, status: 'failure' },
  headers,
});

export type FakeServiceNow = Awaited<ReturnType<typeof startFakeServiceNow>>;

export const startFakeServiceNow = async (options: FakeServiceNowOptions = {}) => {
  const username = options.username ?? 'patchbot.integration';
  const password = options.password ?? 'sn-secret';
  const changes: SnChange[] = [];
  /** Writes longer than a field's max_length (stored whole, as the instance does; see MAX_LENGTH). */
  const violations: string[] = [];
  const approvers: SnApprover[] = [];
  const users: SnUser[] = [];
  let nextNumber = 30001;

  const { authorised, oauthGrant, revokeTokens } = serviceNowAuth({ username, password, ...(options.oauth ? { oauth: options.oauth } : {}) });

  const find = (id: string) => changes.find((c) => c.sys_id === id);
  const userOf = (spec: SnUserSpec): SnUser => {
    const { name, user_name } = typeof spec === 'string' ? { name: spec, user_name: spec.toLowerCase().replace(/\s+/g, '.') } : spec;
    const known = users.find((u) => u.user_name === user_name);
    if (known) return known;
    const user = { sys_id: sysId(), user_name, name };
    users.push(user);
    return user;
  };
  const requestApproval = (change: SnChange) => {
    change.approval = 'requested';
    for (const approver of options.approvers ?? ['CAB Manager']) approvers.push({ sys_id: sysId(), sysapproval: change.sys_id, approver: userOf(approver), state: 'requested' });
  };
  const display = (request: FakeRequest) => request.query.get('sysparm_display_value') ?? 'false';

  let created = 0;
  const insert = (body: Record<string, unknown>, type: unknown): SnChange => {
    const { type: _t, work_notes, ...rest } = body;
    // Creation order, as sys_created_on sorts it (a counter: two creates in one second still sort).
    const createdOn = `2026-01-01 00:00:${String(created++).padStart(6, '0')}`;
    const change: SnChange = {
      sys_id: sysId(),
      number: `CHG00${nextNumber++}`,
      type: typeof type === 'string' && type ? type : 'normal',
      state: '-5',
      approval: 'not requested',
      fields: { ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)])), sys_created_on: createdOn },
      workNotes: [],
      modCount: 0,
    };
    if (typeof work_notes === 'string' && work_notes) appendWorkNote(change, work_notes, username);
    violations.push(...lengthViolations(change.number, body));
    changes.push(change);
    return change;
  };

  const create = (body: Record<string, unknown>, request: FakeRequest): FakeReply => {
    if (typeof body.short_description !== 'string' || body.short_description.trim() === '') {
      return failure(403, 'Operation Failed', 'Data Policy Exception: \n\tShort description is mandatory\n');
    }
    const change = insert(body, body.type);
    return { status: 201, body: { result: rowOf(change, request.query.get('sysparm_fields'), display(request)) } };
  };

  /** A move the state model allowed: approval requested on entering Assess or Authorize, fields and the work note written. */
  const apply = (change: SnChange, to: string, fields: Record<string, unknown>) => {
    if (entersApproval(change, to)) requestApproval(change);
    change.state = to;
    change.modCount += 1;
    touch(change, username);
    const { work_notes, ...rest } = fields;
    for (const [k, v] of Object.entries(rest)) change.fields[k] = String(v);
    if (typeof work_notes === 'string' && work_notes) appendWorkNote(change, work_notes, username);
    violations.push(...lengthViolations(change.number, fields));
  };
  const approveAsPolicy = (change: SnChange) => {
    for (const row of approvers.filter((a) => a.sysapproval === change.sys_id)) row.state = 'approved';
    change.approval = 'approved';
    change.modCount += 1;
    appendWorkNote(change, 'Approved by the approval rule "patchbot pre-approved changes"', 'system');
  };
  const listed = (query: string | null): SnChange[] => {
    const rows = changes.filter((c) => matches(c, query));
    const order = /ORDERBY(DESC)?([a-z_]+)/.exec(query ?? '');
    if (!order) return rows;
    const key = (c: SnChange) => String(c.fields[order[2]!] ?? (c as unknown as Record<string, unknown>)[order[2]!] ?? '');
    return [...rows].sort((a, b) => key(a).localeCompare(key(b)) * (order[1] ? -1 : 1));
  };

  const update = (change: SnChange, body: Record<string, unknown>, request: FakeRequest): FakeReply => {
    const { state, approval, work_notes, sys_id: _s, number: _n, ...rest } = body;
    const to = state === undefined ? change.state : String(state);
    const approvalAfter = typeof approval === 'string' ? approval : change.approval;
    const closeAfter = { code: String(rest.close_code ?? change.fields.close_code ?? ''), notes: String(rest.close_notes ?? change.fields.close_notes ?? '') };
    const refusal = refusedMove(change, to, approvalAfter, closeAfter);
    if (refusal) return failure(403, 'Operation Failed', refusal);
    if (entersApproval(change, to)) requestApproval(change);
    change.state = to;
    change.modCount += 1;
    touch(change, username);
    if (typeof approval === 'string') change.approval = approval;
    for (const [k, v] of Object.entries(rest)) change.fields[k] = String(v);
    if (typeof work_notes === 'string' && work_notes) appendWorkNote(change, work_notes, username);
    violations.push(...lengthViolations(change.number, body));
    return { status: 200, body: { result: rowOf(change, request.query.get('sysparm_fields'), display(request)) } };
  };

  const table = (request: FakeRequest, name: string, id: string | undefined): FakeReply => {
    if (name === 'sysapproval_approver' && request.method === 'GET') {
      const wanted = /sysapproval=([0-9a-f]+)/.exec(request.query.get('sysparm_query') ?? '')?.[1];
      const rows = approvers.filter((a) => a.sysapproval === wanted);
      return { status: 200, body: { result: rows.map((a) => approverRow(a, request.query.get('sysparm_fields'), display(request), fake.url)) } };
    }
    if (name !== 'change_request') return failure(400, 'Invalid table', `Invalid table ${name}`);
    if (request.bodyError) return failure(400, 'Exception while reading request', 'The payload is not valid JSON.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.method === 'POST' && !id) return create(body, request);
    if (request.method === 'GET' && !id) {
      const limit = Number(request.query.get('sysparm_limit') ?? 10000);
      const rows = listed(request.query.get('sysparm_query')).slice(0, limit);
      return { status: 200, body: { result: rows.map((c) => rowOf(c, request.query.get('sysparm_fields'), display(request))) }, headers: { 'x-total-count': String(rows.length) } };
    }
    const change = id ? find(id) : undefined;
    if (!change) return failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
    if (request.method === 'GET') return { status: 200, body: { result: rowOf(change, request.query.get('sysparm_fields'), display(request)) } };
    if (request.method === 'PATCH' || request.method === 'PUT') return update(change, body, request);
    return failure(405, 'Method not Supported', `${request.method} is not supported here`);
  };

  const fake = new LoopbackFake((request) => {
    if (request.path === '/oauth_token.do' && request.method === 'POST') return oauthGrant((request.body ?? {}) as Record<string, string>);
    if (!authorised(request)) return failure(401, 'User Not Authenticated', 'Required to provide Auth information');
    if (request.path.startsWith('/api/sn_chg_rest/')) {
      if (!options.changeApi) return failure(400, 'Requested URI does not represent any resource', null);
      if (request.bodyError) return failure(400, 'Exception while reading request', 'The payload is not valid JSON.');
      return changeApi(request, {
        create: (body, type) => insert(body, type),
        find,
        list: listed,
        apply,
        approveAsPolicy,
        policy: options.approvalPolicy ?? 'cab',
        standardTemplates: options.standardTemplates ?? [],
      });
    }
    const route = /^\/api\/now\/table\/([a-z_]+)(?:\/([0-9a-f]{32}))?$/.exec(request.path);
    if (!route) return failure(400, 'Requested URI does not represent any resource', null);
    return table(request, route[1]!, route[2]);
  });
  await fake.start();

  const byNumber = (number: string): SnChange => {
    const change = changes.find((c) => c.number === number);
    if (!change) throw new Error(`fake ServiceNow has no ${number}; it has ${changes.map((c) => c.number).join(', ') || 'nothing'}`);
    return change;
  };

  /** Every approver row decides; with none (or `by` not among them) `by` gets a row of its own and decides alone. */
  const decide = (number: string, decision: 'approved' | 'rejected', by: SnUserSpec | undefined) => {
    const change = byNumber(number);
    const rows = approvers.filter((a) => a.sysapproval === change.sys_id);
    if (by === undefined) for (const row of rows) row.state = decision;
    else {
      const user = userOf(by);
      for (const row of rows) row.state = row.approver === user ? decision : 'not_required';
      if (!rows.some((row) => row.approver === user)) approvers.push({ sys_id: sysId(), sysapproval: change.sys_id, approver: user, state: decision });
    }
    change.approval = decision;
    // The default workflow: approval schedules the change, rejection sends it back to New.
    change.state = decision === 'approved' ? '-2' : '-5';
    change.modCount += 1;
    return change;
  };

  let lastDelivery: { url: string; body: string; signature: string } | undefined;

  return {
    get url() {
      return fake.url;
    },
    requests: fake.requests,
    /** Writes over a field's dictionary max_length (MAX_LENGTH): the instance keeps them, its forms cannot. */
    violations,
    /** A config pointing at this fake, with basic auth (add `oauth` for the OAuth path). */
    config: (extra: Partial<ServiceNowConfig> = {}): ServiceNowConfig => ({ instanceUrl: fake.url, username, password, pollInterval: 300_000, api: 'auto', ...extra }),
    changes: (): readonly SnChange[] => changes,
    /** A change written straight into the table (what an earlier create that lost its answer left). */
    seed: (fields: Record<string, string>, type = 'normal'): SnChange => insert(fields, type),
    change: byNumber,
    /** Work-note texts of a change, oldest first. */
    workNotes: (number: string): string[] => byNumber(number).workNotes.map((e) => e.text),
    approverRows: (number: string): SnApprover[] => approvers.filter((a) => a.sysapproval === byNumber(number).sys_id),
    /**
     * The CAB approves in ServiceNow: change approved and Scheduled. Without `by` every approver
     * row approves; with `by` that user alone decides (the others no longer required).
     */
    approve: (number: string, by?: SnUserSpec) => decide(number, 'approved', by),
    reject: (number: string, by?: SnUserSpec) => decide(number, 'rejected', by),
    /** Someone asks the CAB again (after a refused or withdrawn decision): back to Assess, every approver row requested. */
    requestApprovalAgain(number: string) {
      const change = byNumber(number);
      for (const row of approvers.filter((a) => a.sysapproval === change.sys_id)) row.state = 'requested';
      Object.assign(change, { state: '-4', approval: 'requested', modCount: change.modCount + 1 });
    },
    /**
     * Someone changes the state by hand in ServiceNow (cancels it, closes it); no business rule
     * stops them. The instance stamps them (`by`, a login) as the record's last updater.
     */
    setStateByHand(number: string, state: string, how: { by?: string; closeCode?: string } = {}) {
      const change = byNumber(number);
      Object.assign(change, { state, modCount: change.modCount + 1 });
      touch(change, how.by ?? 'admin');
      if (how.closeCode) change.fields.close_code = how.closeCode;
    },
    /** The next `count` requests get 429 with Retry-After and ServiceNow's rate-limit headers. */
    rateLimit(count: number, retryAfterSeconds: number) {
      const reset = String(Math.ceil(Date.now() / 1000) + retryAfterSeconds);
      const headers = { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-limit': '100', 'x-ratelimit-reset': reset, 'x-ratelimit-rule': 'patchbot-table-api' };
      fake.failNext(count, { kind: 'reply', reply: failure(429, 'Rate limit exceeded', 'Rate limit of 100 requests per hour for Table API exceeded', headers) });
    },
    unavailable: (count: number, match: FaultMatch = {}) => fake.failNext(count, { kind: 'reply', reply: failure(503, 'Service Unavailable', 'The instance is being upgraded') }, match),
    /** Cuts the connection of the next `count` requests (of `method`), before or after doing the work. */
    dropNext: (count: number, when: 'before' | 'after' = 'before', match: FaultMatch = {}) => fake.failNext(count, { kind: when === 'before' ? 'drop' : 'drop-after' }, match),
    /**
     * Posts what the business rule of docs/itsm.md posts; `tamper` changes the body after signing.
     * `redeliver` sends the previous delivery again byte for byte, as the ECC queue retries an
     * outbound REST message; a new call describes the record as it is now (its sys_mod_count too).
     */
    async fireWebhook(url: string, number: string, secret: string, how: { tamper?: boolean; encoding?: 'hex' | 'base64'; redeliver?: boolean } = {}) {
      if (how.redeliver) {
        if (!lastDelivery) throw new Error('fireWebhook: nothing was delivered yet to redeliver');
        return postWebhook(lastDelivery.url, lastDelivery.body, { 'x-patchbot-signature': lastDelivery.signature });
      }
      const { body, signature } = businessRuleDelivery(byNumber(number), secret, how);
      lastDelivery = { url, body, signature };
      return postWebhook(url, body, { 'x-patchbot-signature': signature });
    },
    /** The instance forgets every OAuth access token (an early expiry or a revocation). */
    revokeTokens,
    stop: () => fake.stop(),
    start: () => fake.start(),
  };
};
