import type { ServiceNowConfig } from '../../src/config/schema-itsm.ts';
import { eventStamp, moveFor, stampedNote } from '../../src/tickets/lifecycle.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { ApprovalState, RecordResult, TicketApproval, TicketDraft, TicketEvent, TicketRef, Ticketing } from '../../src/tickets/ticketing.ts';
import { changeRequestBody, type ChangeRequestOptions } from './change-fields.ts';
import { serviceNowClient, type ServiceNowClientOptions } from './client.ts';
import { ApproverRows, type ChangeRow, ChangeRows, type ChangeSnapshot, ChangeSnapshots, CreatedChange, UpdatedChange } from './schema.ts';
import { pathBetween, STATE, stateFor, stateLabel } from './state-model.ts';

export type ServiceNowOptions = ServiceNowClientOptions & ChangeRequestOptions;

const TABLE = '/api/now/table/change_request';

const APPROVAL: Record<string, ApprovalState> = { 'not requested': 'not-requested', requested: 'requested', approved: 'approved', rejected: 'rejected' };
export const approvalState = (value: string): ApprovalState => APPROVAL[value] ?? 'not-requested';

/** ServiceNow change_request tickets over the Table API (reference/integrations.md §3). */
export const serviceNowTicketing = (config: ServiceNowConfig, options: ServiceNowOptions = {}): Ticketing => {
  const call = serviceNowClient(config, options);
  const base = config.instanceUrl.replace(/\/+$/, '');
  const refOf = (row: { number: string; sys_id: string }): TicketRef => ({
    system: 'servicenow',
    key: row.number,
    url: `${base}/change_request.do?sys_id=${row.sys_id}`,
  });

  const findRow = async (changeId: string): Promise<ChangeRow | null> => {
    const { result } = await call(ChangeRows, `looking up the ServiceNow change of ${changeId}`, {
      method: 'GET',
      url: TABLE,
      params: { sysparm_query: `correlation_id=${changeId}^correlation_display=patchbot`, sysparm_fields: 'sys_id,number,state,correlation_id', sysparm_limit: 5 },
    });
    // The Table API drops a clause it cannot read and returns every row: trust an exact match only.
    return result.find((row) => row.correlation_id === changeId) ?? null;
  };

  const snapshot = async (number: string): Promise<ChangeSnapshot> => {
    const what = `reading ${number}`;
    const { result } = await call(ChangeSnapshots, what, {
      method: 'GET',
      url: TABLE,
      params: {
        sysparm_query: `number=${number}`,
        sysparm_fields: 'sys_id,number,type,state,approval,work_notes',
        sysparm_display_value: 'all',
        sysparm_limit: 5,
      },
    });
    const row = result.find((r) => r.number.value === number);
    if (!row) throw new TicketingError('rejected', 'servicenow', `${what}: no change_request numbered ${number} (deleted, or hidden from the integration user by an ACL)`);
    return row;
  };

  const patch = async (sysId: string, number: string, body: Record<string, string>): Promise<string> => {
    const moving = body.state ? ` to ${stateLabel(body.state)}` : '';
    const { result } = await call(UpdatedChange, `updating ${number}${moving}`, {
      method: 'PATCH',
      url: `${TABLE}/${sysId}`,
      params: { sysparm_fields: 'state', sysparm_exclude_reference_link: 'true' },
      data: body,
    });
    return result.state;
  };

  /** PATCHes one state at a time along the change's model; `extra` adds fields to the step into a state. */
  const walk = async (sysId: string, number: string, path: string[], extra: (state: string) => Record<string, string>): Promise<void> => {
    for (const step of path) await patch(sysId, number, { state: step, ...extra(step) });
  };

  return {
    kind: 'servicenow',

    async find(changeId) {
      const row = await findRow(changeId);
      return row ? refOf(row) : null;
    },

    async open(draft: TicketDraft) {
      const row =
        (await findRow(draft.changeId)) ??
        (
          await call(CreatedChange, `creating the ServiceNow change for ${draft.changeId}`, {
            method: 'POST',
            url: TABLE,
            params: { sysparm_fields: 'sys_id,number,state,correlation_id', sysparm_exclude_reference_link: 'true' },
            data: changeRequestBody(draft, options),
          })
        ).result;
      const target = draft.approvalInItsm ? stateFor('awaiting-approval', draft.changeClass) : null;
      if (target) await walk(row.sys_id, row.number, pathBetween(draft.changeClass, row.state, target), () => ({}));
      return refOf(row);
    },

    async record(ref: TicketRef, event: TicketEvent): Promise<RecordResult> {
      const snap = await snapshot(ref.key);
      const [sysId, type, current] = [snap.sys_id.value, snap.type.value, snap.state.value];
      if (snap.work_notes.display_value.includes(eventStamp(event.id))) return { state: stateLabel(current), skipped: true };
      const move = moveFor(event);
      const target = move.phase ? stateFor(move.phase, type) : null;
      const path = target ? pathBetween(type, current, target) : [];
      const close: Record<string, string> = move.closure ? { close_code: move.closure.code, close_notes: move.closure.notes } : {};
      const last = path.at(-1);
      // Steps on the way carry what their state needs (the close code into Review and Closed); the
      // last step, or a PATCH of its own, carries the stamped work note and the approval decision.
      await walk(sysId, ref.key, path.slice(0, -1), (step) => (step === STATE.review || step === STATE.closed ? close : {}));
      const final: Record<string, string> = { work_notes: stampedNote(event) };
      if (last) Object.assign(final, { state: last }, last === STATE.review || last === STATE.closed ? close : {});
      if (move.approval) final.approval = move.approval;
      const after = await patch(sysId, ref.key, final);
      return { state: stateLabel(after), skipped: false };
    },

    async approvalOf(ref: TicketRef): Promise<TicketApproval> {
      const snap = await snapshot(ref.key);
      const { result } = await call(ApproverRows, `reading the approvers of ${ref.key}`, {
        method: 'GET',
        url: '/api/now/table/sysapproval_approver',
        params: { sysparm_query: `sysapproval=${snap.sys_id.value}`, sysparm_fields: 'approver,state', sysparm_display_value: 'all' },
      });
      const decisions = result.flatMap((row) => {
        const decision = row.state.value;
        if (decision !== 'requested' && decision !== 'approved' && decision !== 'rejected') return [];
        return [{ approver: row.approver.display_value || row.approver.value, decision } as const];
      });
      return { state: approvalState(snap.approval.value), decisions };
    },
  };
};
