import type { FakeReply, FakeRequest } from './http-fake.ts';
import { refusedMove, type SnChange, stateLabel } from './servicenow-records.ts';

/**
 * The Change Management API of the ServiceNow fake (/api/sn_chg_rest/v1/change): create by model
 * (normal, emergency, standard from a template), `nextstates` from the model and the approval, a
 * PATCH that refuses any state the model does not offer and ignores `approval` (approvals are the
 * instance's), answers of `{value, display_value}` fields. The instance's approval policy decides:
 * `cab` waits for `approve()`, `pre-approved` approves patchbot's changes as soon as they ask and
 * moves them on as the state model does after an approval.
 */
export type ApprovalPolicy = 'cab' | 'pre-approved';

const MODEL: Record<string, Record<string, string>> = {
  normal: { '-5': '-4', '-4': '-3', '-3': '-2', '-2': '-1', '-1': '0', '0': '3' },
  emergency: { '-5': '-3', '-3': '-2', '-2': '-1', '-1': '0', '0': '3' },
  standard: { '-5': '-2', '-2': '-1', '-1': '0', '0': '3' },
};
const AWAITING = new Set(['-4', '-3']);

export interface ChangeApiDeps {
  create(body: Record<string, unknown>, type: string): SnChange;
  find(sysId: string): SnChange | undefined;
  list(query: string | null): SnChange[];
  /** Appends the work note, requests approval when the change enters Assess or Authorize. */
  apply(change: SnChange, to: string, fields: Record<string, unknown>): void;
  approveAsPolicy(change: SnChange): void;
  policy: ApprovalPolicy;
  standardTemplates: string[];
}

const failure = (status: number, message: string, detail: string): FakeReply => ({ status, body: { error: { message, detail }, status: 'failure' } });

export const offeredStates = (change: SnChange): string[] => {
  if (change.state === '3' || change.state === '4') return [change.state];
  const next = (MODEL[change.type] ?? MODEL.normal!)[change.state];
  const gated = AWAITING.has(change.state) && change.approval !== 'approved';
  return [change.state, ...(next && !gated ? [next] : []), '4'];
};

const record = (change: SnChange, ignored: string[] = []) => {
  const both = (value: string, display = value) => ({ value, display_value: display });
  return {
    result: {
      sys_id: both(change.sys_id),
      number: both(change.number),
      type: both(change.type),
      state: both(change.state, stateLabel(change.state)),
      approval: both(change.approval),
      correlation_id: both(change.fields.correlation_id ?? ''),
      __meta: { ignoredFields: ignored },
    },
  };
};

/** After an approval the model moves the change on by itself: Assess → Authorize → Scheduled. */
const advanceApproved = (change: SnChange) => {
  while (AWAITING.has(change.state) && change.approval === 'approved') change.state = (MODEL[change.type] ?? MODEL.normal!)[change.state]!;
};

export const changeApi = (request: FakeRequest, deps: ChangeApiDeps): FakeReply => {
  const path = request.path.replace(/^\/api\/sn_chg_rest\/(v1\/)?change/, '');
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (path === '' && request.method === 'GET') return { status: 200, body: { result: deps.list(request.query.get('sysparm_query')).map((c) => record(c).result) } };
  const create = /^\/(normal|emergency|standard)(?:\/([0-9a-f]{32}))?$/.exec(path);
  if (create && request.method === 'POST') {
    const type = create[1]!;
    if (type === 'standard' && !deps.standardTemplates.includes(create[2] ?? ''))
      return failure(404, 'Invalid standard change template', `No active standard change template ${create[2] ?? '(none given)'}`);
    if (type !== 'standard' && create[2]) return failure(400, 'Requested URI does not represent any resource', request.path);
    if ('type' in body) return failure(400, 'Invalid field', 'type is set by the endpoint');
    return { status: 200, body: record(deps.create(body, type)) };
  }
  const one = /^\/([0-9a-f]{32})(\/nextstates)?$/.exec(path);
  const change = one ? deps.find(one[1]!) : undefined;
  if (!one) return failure(400, 'Requested URI does not represent any resource', request.path);
  if (!change) return failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
  if (one[2] && request.method === 'GET')
    return { status: 200, body: { result: { available_states: offeredStates(change), state_label: Object.fromEntries(offeredStates(change).map((s) => [s, stateLabel(s)])) } } };
  if (one[2] || request.method !== 'PATCH') return failure(405, 'Method not Supported', `${request.method} is not supported here`);
  const { approval: _ignored, state, ...fields } = body;
  const to = state === undefined ? change.state : String(state);
  if (!offeredStates(change).includes(to)) {
    return failure(
      400,
      'Invalid state transition',
      `${change.number}: the ${change.type} change model does not allow ${stateLabel(change.state)} → ${stateLabel(to)} (offered: ${offeredStates(change).map(stateLabel).join(', ')})`,
    );
  }
  const closeAfter = { code: String(fields.close_code ?? change.fields.close_code ?? ''), notes: String(fields.close_notes ?? change.fields.close_notes ?? '') };
  const refusal = refusedMove({ ...change, approval: 'approved' }, to, 'approved', closeAfter);
  if (refusal) return failure(403, 'Operation Failed', refusal);
  deps.apply(change, to, fields);
  if (AWAITING.has(change.state) && deps.policy === 'pre-approved' && change.fields.correlation_display === 'patchbot') deps.approveAsPolicy(change);
  advanceApproved(change);
  return { status: 200, body: record(change, 'approval' in body ? ['approval'] : []) };
};
