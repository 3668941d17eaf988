import { choosePolicy, policyAllowsNow } from '../../changes/approval-policy.ts';
import type { ApprovalConfig } from '../../changes/approval-policy-config.ts';
import { NOW_WINDOW } from '../../config/schema-windows.ts';
import type { Group } from '../../inventory/host.ts';
import { blackoutEnd, blackoutName } from '../../rollouts/now-decision.ts';
import { blackoutAt, nextOpenInterval, openIntervalAt } from '../../rollouts/open-intervals.ts';
import { whenText } from '../../rollouts/time-text.ts';
import type { WindowSchedule } from '../../rollouts/window-outlook.ts';
import { CARD_LIMITS, type CardChoice, clip } from '../card.ts';

/** What the digest needs to offer windows: the schedule, the approval policies, the clock. */
export interface DigestPlanning {
  schedule: WindowSchedule;
  approval: ApprovalConfig;
  now: Date;
}

const label = (text: string) => clip(text, CARD_LIMITS.actionLabel);

/** "weeknights — opens Mon 7 Dec 2026 22:00 UTC", "weekend — open now until …": a label short enough for a Slack button. */
const windowChoice = ({ schedule, now }: DigestPlanning, name: string): CardChoice => {
  const window = schedule.windows[name]!;
  const open = openIntervalAt(window, schedule.blackouts, now);
  const next = open ? null : nextOpenInterval(window, schedule.blackouts, now);
  const when = open ? `open now until ${whenText(open.end, window.timezone)}` : next ? `opens ${whenText(next.start, window.timezone)}` : 'never opens again';
  return { label: label(`${name} — ${when}`), value: name };
};

const nowChoice = ({ schedule, now }: DigestPlanning): CardChoice => {
  const blackout = blackoutAt(schedule.blackouts, now);
  return {
    label: label(blackout ? `now — after blackout ${blackoutName(blackout)}, ${whenText(blackoutEnd(schedule.blackouts, now), 'UTC')}` : 'now — immediate start'),
    value: NOW_WINDOW,
  };
};

/**
 * The windows a digest's *Propose rollout* offers: every configured maintenance window with its
 * next opening, in config order (the first is the default), and `now` when the policy the
 * proposal would get allows an immediate start: production targets ask more, and `targets` are
 * the groups the proposal would name (coverClasses, as the click's coverGroups). The click is
 * checked again when it comes: a stale card or a forged `now` is refused with the reason.
 */
export const digestWindows = (planning: DigestPlanning, targets: readonly Group[]): CardChoice[] => {
  const policy = choosePolicy(planning.approval, 'normal', { production: targets.some((g) => g.production) });
  const windows = Object.keys(planning.schedule.windows).map((name) => windowChoice(planning, name));
  const now = policyAllowsNow(planning.approval, 'normal', policy.name) ? [nowChoice(planning)] : [];
  return [...windows, ...now].slice(0, CARD_LIMITS.choices);
};
