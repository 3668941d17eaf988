import type { ChangeClass } from '../../src/changes/change.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { ServiceNowClient } from './client.ts';
import { z } from 'zod';
import { ChangeApiRecord, type ChangeRow, NextStates } from './schema.ts';
import { isTerminal, pathBetween, STATE, type StateCode, stateLabel } from './state-model.ts';

/**
 * The Change Management REST API (plugin com.snc.change_management.rest, /api/sn_chg_rest): a
 * change is created through its type's model (normal, emergency, standard from a template), and
 * every state move is checked against the states the model offers from where the change is
 * (`nextstates`). patchbot never writes `approval` here: approvals are the instance's, decided by
 * its approval rules (docs/itsm.md › ServiceNow › Change Management API).
 */
const CHANGE = '/api/sn_chg_rest/v1/change';
const AnyResult = z.object({ result: z.unknown() });

/** Does the instance have the plugin? An instance without it answers 400 "Requested URI does not represent any resource". */
export const hasChangeApi = async (call: ServiceNowClient): Promise<boolean> => {
  try {
    await call(AnyResult, 'probing for the Change Management API', { method: 'GET', url: CHANGE, params: { sysparm_limit: 1 } });
    return true;
  } catch (error) {
    if (error instanceof TicketingError && (error.status === 400 || error.status === 404)) return false;
    throw error;
  }
};

export const createChange = async (
  call: ServiceNowClient,
  changeClass: ChangeClass,
  body: Record<string, string>,
  standardTemplate: string | undefined,
  what: string,
): Promise<ChangeRow> => {
  if (changeClass === 'standard' && !standardTemplate) {
    throw new TicketingError(
      'rejected',
      'servicenow',
      `${what}: a standard change is created from a template in the Change Management API; set itsm.servicenow.standardTemplate to its sys_id`,
    );
  }
  const { type: _type, ...fields } = body;
  const url = changeClass === 'standard' ? `${CHANGE}/standard/${standardTemplate}` : `${CHANGE}/${changeClass}`;
  const { result } = await call(ChangeApiRecord, what, { method: 'POST', url, data: fields });
  return { sys_id: result.sys_id.value, number: result.number.value, state: result.state.value };
};

const nextStates = async (call: ServiceNowClient, sysId: string, number: string): Promise<string[]> =>
  (await call(NextStates, `reading the next states of ${number}`, { method: 'GET', url: `${CHANGE}/${sysId}/nextstates` })).result.available_states;

const APPROVAL_STATES: string[] = [STATE.assess, STATE.authorize];

export interface ModelMove {
  /** The state the change is in afterwards. */
  state: string;
  /** Set when the change waits for the instance's approval and could not go further. */
  waiting: string | null;
}

/**
 * Moves the change towards `target` one legal state at a time. The instance may move it further
 * on its own (an approval rule approving it): each step starts from the state it answered. When
 * the model offers no step on the way because the change waits for approval, it stops there.
 */
export const walkModel = async (
  call: ServiceNowClient,
  change: { sysId: string; number: string; type: string; state: string },
  target: StateCode,
  extra: (state: string) => Record<string, string>,
): Promise<ModelMove> => {
  let current = change.state;
  for (let guard = 0; guard < 10; guard++) {
    const path = pathBetween(change.type, current, target);
    if (path.length === 0) return { state: current, waiting: null };
    const offered = await nextStates(call, change.sysId, change.number);
    const step = path.find((s) => offered.includes(s));
    if (!step) {
      const labels = offered.filter((s) => s !== current).map(stateLabel);
      // Up to Scheduled, waiting for the instance's approval is the normal course; past it (a wave
      // while ServiceNow has not approved) the instance's policy and patchbot's disagree: say so.
      const mayWait = target === STATE.scheduled || APPROVAL_STATES.includes(target);
      if (APPROVAL_STATES.includes(current) && !mayWait) {
        throw new TicketingError(
          'rejected',
          'servicenow',
          `moving ${change.number} to ${stateLabel(target)}: it still waits in ${stateLabel(current)} for approval by the instance's policy (its change model offers ${labels.join(', ') || 'nothing'} from here), though patchbot approved it; add the approval rule of docs/itsm.md › Change Management API`,
        );
      }
      if (APPROVAL_STATES.includes(current))
        return { state: current, waiting: `waiting in ${stateLabel(current)} for approval by the instance's policy; its change model offers ${labels.join(', ') || 'nothing'} from here` };
      throw new TicketingError(
        'rejected',
        'servicenow',
        `moving ${change.number} from ${stateLabel(current)} to ${stateLabel(target)}: its change model offers ${labels.join(', ') || 'no state'} from here`,
      );
    }
    const { result } = await call(ChangeApiRecord, `updating ${change.number} to ${stateLabel(step)}`, {
      method: 'PATCH',
      url: `${CHANGE}/${change.sysId}`,
      data: { state: step, ...extra(step) },
    });
    current = result.state.value;
    if (isTerminal(current)) return { state: current, waiting: null };
  }
  throw new TicketingError('rejected', 'servicenow', `moving ${change.number} to ${stateLabel(target)}: the instance kept moving it elsewhere (now ${stateLabel(current)})`);
};

export const noteOnChange = async (call: ServiceNowClient, sysId: string, number: string, note: string, fields: Record<string, string> = {}): Promise<string> =>
  (await call(ChangeApiRecord, `adding a work note to ${number}`, { method: 'PATCH', url: `${CHANGE}/${sysId}`, data: { ...fields, work_notes: note } })).result.state.value;
