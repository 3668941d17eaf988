import type { HostCompliance } from '../../compliance/model.ts';
import type { SlaConfig } from '../../compliance/policy.ts';
import { buildComplianceOverview, type ComplianceStore } from '../../compliance/report.ts';
import { atRiskLine, freshnessLine, groupLine, overdueLine, summarizeCompliance, unknownLine } from '../../compliance/summary.ts';
import type { Counted } from '../../discovery/discovery-store.ts';
import { CARD_LIMITS, type CardList, clip, pageOf } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import type { Answer } from './estate.ts';

/**
 * `compliance [pci|hipaa] [group]`: the report's headline, then one list per kind (groups,
 * overdue, unknown, at risk), each paged with its own true count, so "+N more" counts hosts
 * (or groups), not lines. The policy note is the text; the data age is the footer.
 */
export const answerCompliance = async (store: ComplianceStore, sla: SlaConfig, intent: IntentOf<'compliance'>, now: Date): Promise<Answer> => {
  const report = await buildComplianceOverview(store, { sla, framework: intent.standard, group: intent.target, now, sample: CARD_LIMITS.listItems });
  const summary = summarizeCompliance(report);
  const hint = `\`patchbot report compliance${intent.standard ? ` --framework ${intent.standard}` : ''}${report.scope ? ` --group ${report.scope}` : ''}\` for the full report`;
  const hosts = (heading: string, list: Counted<HostCompliance>, line: (h: HostCompliance) => string): CardList[] =>
    list.count ? [pageOf(list.first.map(line), list.count, CARD_LIMITS.listItems, hint, heading)] : [];
  const groups = !report.scope && report.groups.length ? [pageOf(report.groups.map(groupLine), report.groups.length, CARD_LIMITS.listItems, hint, 'Groups')] : [];
  const lists = [
    ...groups,
    ...hosts('Overdue', report.overdue, overdueLine),
    ...hosts('Unknown', report.unknown, (h) => unknownLine(h, report.generatedAt)),
    ...hosts('At risk', report.atRisk, atRiskLine),
  ];
  const footer = freshnessLine(report, report.generatedAt) ?? `no hosts in ${report.scope ?? 'the inventory'}`;
  return {
    card: {
      title: clip(`Compliance: ${report.policy.label}${report.scope ? ` (${report.scope})` : ''}`, CARD_LIMITS.titleChars),
      text: clip(`${summary.headline}\n${report.policy.note}`, CARD_LIMITS.sectionChars),
      ...(lists.length ? { lists } : {}),
      context: clip(footer, CARD_LIMITS.sectionChars),
    },
    data: {
      headline: summary.headline,
      lines: summary.lines,
      total: report.total,
      counts: { overdue: report.overdue.count, unknown: report.unknown.count, atRisk: report.atRisk.count, groups: report.groups.length },
    },
  };
};
