import type { ServiceNowConfig } from '../../src/config/schema-itsm.ts';
import { closedOutside, eventStamp, moveFor, stampedNote } from '../../src/tickets/lifecycle.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type {
  ApprovalDecision,
  ApprovalState,
  ItsmFacts,
  OpenContext,
  OpenedTicket,
  RecordContext,
  RecordResult,
  TicketApproval,
  TicketDraft,
  TicketEnded,
  TicketEvent,
  TicketRef,
  Ticketing,
} from '../../src/tickets/ticketing.ts';
import { createChange, hasChangeApi, noteOnChange, walkModel } from './change-api.ts';
import { changeRequestBody, type ChangeRequestOptions } from './change-fields.ts';
import { serviceNowClient, type ServiceNowClientOptions } from './client.ts';
import { fittedText } from './field-limits.ts';
import { journalText } from './journal-text.ts';
import { ApproverRows, type ChangeRow, ChangeRows, type ChangeSnapshot, ChangeSnapshots, CreatedChange, UpdatedChange } from './schema.ts';
import { isTerminal, pathBetween, STATE, stateFor, stateLabel } from './state-model.ts';

export type ServiceNowOptions = ServiceNowClientOptions & ChangeRequestOptions;

const TABLE = '/api/now/table/change_request';

const APPROVAL: Record<string, ApprovalState> = { 'not requested': 'not-requested', requested: 'requested', approved: 'approved', rejected: 'rejected' };
export const approvalState = (value: string): ApprovalState => APPROVAL[value] ?? 'not-requested';

/**
 * How a change found Closed or Canceled ended. Canceled is the CAB's "do not do it" (rejected when
 * the approval says so); Closed, whatever the close code, means no approval will come from it. Who
 * did it: the instance records only the last update of the record (`sys_updated_by`, a login, and
 * `sys_updated_on`), so that is what is said, never a name guessed from anything else.
 */
const endedOf = (snap: ChangeSnapshot, approval: ApprovalState): TicketEnded => {
  const code = snap.close_code?.value ? ` (${snap.close_code.display_value || snap.close_code.value})` : '';
  return {
    outcome: approval === 'rejected' ? 'rejected' : 'cancelled',
    state: `${stateLabel(snap.state.value)}${snap.state.value === STATE.closed ? code : ''}`,
    by: snap.sys_updated_by?.value || null,
    at: snap.sys_updated_on?.value || null,
    lastUpdate: true,
  };
};

/**
 * ServiceNow change_request tickets (reference/integrations.md §3): created and moved through the
 * Change Management API where the instance has it (itsm.servicenow.api auto | change), else through
 * the Table API; read through the Table API either way.
 */
export const serviceNowTicketing = (config: ServiceNowConfig, options: ServiceNowOptions = {}): Ticketing => {
  const call = serviceNowClient(config, options);
  const base = config.instanceUrl.replace(/\/+$/, '');
  const refOf = (row: { number: string; sys_id: string }): TicketRef => ({
    system: 'servicenow',
    key: row.number,
    url: `${base}/change_request.do?sys_id=${row.sys_id}`,
  });

  /** The instance's own records are read-after-write consistent: one query finds a change created a moment ago. */
  const findRows = async (changeId: string): Promise<ChangeRow[]> => {
    const { result } = await call(ChangeRows, `looking up the ServiceNow change of ${changeId}`, {
      method: 'GET',
      url: TABLE,
      params: { sysparm_query: `correlation_id=${changeId}^correlation_display=patchbot^ORDERBYsys_created_on`, sysparm_fields: 'sys_id,number,state,correlation_id', sysparm_limit: 5 },
    });
    // The Table API drops a clause it cannot read and returns every row: trust an exact match only.
    return result.filter((row) => row.correlation_id === changeId);
  };
  const opened = (rows: ChangeRow[]): OpenedTicket | null => {
    const [oldest, ...others] = rows;
    if (!oldest) return null;
    return { ...refOf(oldest), ...(others.length ? { duplicates: others.map((r) => r.number) } : {}) };
  };

  // Which API creates and moves changes: asked of the instance once, when `auto`.
  let changeApi: Promise<boolean> | null = config.api === 'table' ? Promise.resolve(false) : null;
  const usesChangeApi = (): Promise<boolean> => {
    changeApi ??= hasChangeApi(call).then((present) => {
      if (!present && config.api === 'change') {
        throw new TicketingError(
          'rejected',
          'servicenow',
          'itsm.servicenow.api is change, but the instance has no Change Management API (/api/sn_chg_rest); activate the plugin com.snc.change_management.rest or set api: table',
        );
      }
      return present;
    });
    changeApi.catch(() => (changeApi = null));
    return changeApi;
  };

  const snapshot = async (number: string, extra = ''): Promise<ChangeSnapshot> => {
    const what = `reading ${number}`;
    const { result } = await call(ChangeSnapshots, what, {
      method: 'GET',
      url: TABLE,
      params: {
        sysparm_query: `number=${number}`,
        sysparm_fields: `sys_id,number,type,state,approval,work_notes${extra}`,
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

    async prepare(): Promise<ItsmFacts> {
      const viaChangeApi = await usesChangeApi();
      return {
        lines: [
          viaChangeApi
            ? 'changes are created and moved through the Change Management API (sn_chg_rest)'
            : 'changes are created and moved through the Table API (no sn_chg_rest on this instance, or api: table)',
        ],
      };
    },

    async find(changeId) {
      return opened(await findRows(changeId));
    },

    async open(draft: TicketDraft, _context?: OpenContext): Promise<OpenedTicket> {
      // No lag to wait out here (`_context`): change_request queries read the instance's own table.
      const found = opened(await findRows(draft.changeId));
      const viaChangeApi = await usesChangeApi();
      const what = `creating the ServiceNow change for ${draft.changeId}`;
      const row = found
        ? await snapshot(found.key).then((snap) => ({ sys_id: snap.sys_id.value, number: found.key, state: snap.state.value }))
        : viaChangeApi
          ? await createChange(call, draft.changeClass, changeRequestBody(draft, options), config.standardTemplate, what)
          : (
              await call(CreatedChange, what, {
                method: 'POST',
                url: TABLE,
                params: { sysparm_fields: 'sys_id,number,state,correlation_id', sysparm_exclude_reference_link: 'true' },
                data: changeRequestBody(draft, options),
              })
            ).result;
      const target = draft.approvalInItsm ? stateFor('awaiting-approval', draft.changeClass) : null;
      if (target && viaChangeApi) await walkModel(call, { sysId: row.sys_id, number: row.number, type: draft.changeClass, state: row.state }, target, () => ({}));
      else if (target) await walk(row.sys_id, row.number, pathBetween(draft.changeClass, row.state, target), () => ({}));
      return found ?? refOf(row);
    },

    async record(ref: TicketRef, event: TicketEvent, context?: RecordContext): Promise<RecordResult> {
      const snap = await snapshot(ref.key);
      const [sysId, type, current] = [snap.sys_id.value, snap.type.value, snap.state.value];
      if (snap.work_notes.display_value.includes(eventStamp(event.id))) return { state: stateLabel(current), skipped: true };
      const move = moveFor(event);
      // Closed or Canceled by someone in ServiceNow while the change goes on: it only takes notes now.
      const outside = closedOutside(isTerminal(current), stateLabel(current), event, context) ? ({ closedOutside: true } as const) : {};
      const target = move.phase ? stateFor(move.phase, type) : null;
      const close: Record<string, string> = move.closure ? { close_code: move.closure.code, close_notes: fittedText(move.closure.notes, 'close_notes') } : {};
      // Already where the event ends it (a closed change later backed out): the close code and notes
      // are corrected in place, so the ticket says what the change's state says.
      const reclose = target !== null && current === target ? close : {};
      if (await usesChangeApi()) {
        // The approval is the instance's: patchbot's decision is the note, the model moves the state.
        const moved = target
          ? await walkModel(call, { sysId, number: ref.key, type, state: current }, target, (s) => (s === STATE.review || s === STATE.closed ? close : {}))
          : { state: current, waiting: null };
        const stamped = journalText(stampedNote(event));
        const note = moved.waiting ? `${stamped.replace(/\n(\[patchbot event)/, `\nServiceNow: ${moved.waiting}.\n$1`)}` : stamped;
        return { state: stateLabel(await noteOnChange(call, sysId, ref.key, fittedText(note, 'work_notes'), reclose)), skipped: false, ...outside };
      }
      const path = target ? pathBetween(type, current, target) : [];
      const last = path.at(-1);
      // Steps on the way carry what their state needs (the close code into Review and Closed); the
      // last step, or a PATCH of its own, carries the stamped work note and the approval decision.
      await walk(sysId, ref.key, path.slice(0, -1), (step) => (step === STATE.review || step === STATE.closed ? close : {}));
      const final: Record<string, string> = { work_notes: fittedText(journalText(stampedNote(event)), 'work_notes') };
      if (last) Object.assign(final, { state: last }, last === STATE.review || last === STATE.closed ? close : {});
      else Object.assign(final, reclose);
      if (move.approval) final.approval = move.approval;
      const after = await patch(sysId, ref.key, final);
      return { state: stateLabel(after), skipped: false, ...outside };
    },

    async approvalOf(ref: TicketRef): Promise<TicketApproval> {
      const snap = await snapshot(ref.key, ',close_code,sys_updated_by,sys_updated_on');
      const { result } = await call(ApproverRows, `reading the approvers of ${ref.key}`, {
        method: 'GET',
        url: '/api/now/table/sysapproval_approver',
        params: { sysparm_query: `sysapproval=${snap.sys_id.value}`, sysparm_fields: 'approver,approver.user_name,state', sysparm_display_value: 'all' },
      });
      const decisions = result.flatMap((row): ApprovalDecision[] => {
        const decision = row.state.value;
        if (decision !== 'requested' && decision !== 'approved' && decision !== 'rejected') return [];
        // The display value is the user's name, which does not identify anyone; user_name does.
        const id = row['approver.user_name']?.value || null;
        return [{ approver: row.approver.display_value || id || row.approver.value, identity: { id, verifiedEmail: null }, decision }];
      });
      const state = approvalState(snap.approval.value);
      return { state, decisions, ...(isTerminal(snap.state.value) ? { ended: endedOf(snap, state) } : {}) };
    },
  };
};
