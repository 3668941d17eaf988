import type { HostCompliance } from '../../compliance/model.ts';
import type { SlaConfig } from '../../compliance/policy.ts';
import { buildCompliancePages, type ComplianceStore } from '../../compliance/report.ts';
import { atRiskLine, freshnessLine, groupLine, overdueLine, summarizeCompliance, unknownLine } from '../../compliance/summary.ts';
import type { Counted } from '../../discovery/discovery-store.ts';
import { CARD_LIMITS, type CardList, clip } from '../card.ts';
import type { IntentOf } from '../intent.ts';
import { commandOf } from '../paged-intent.ts';
import { FIRST_PAGE, nextPage, PAGE_SIZE, pageLists, pagedList, type Paging, slicePage, windowOf } from '../paging.ts';
import type { Answer } from './estate.ts';

/**
 * `compliance [pci|hipaa] [group]`: the report's headline, then one list per kind (groups,
 * overdue, unknown, at risk), each paged with its own true count, so "+N more" counts hosts
 * (or groups), not lines; page N is page N of each list. The policy note is the text; the data
 * age is the footer.
 */
export const answerCompliance = async (store: ComplianceStore, sla: SlaConfig, intent: IntentOf<'compliance'>, now: Date, paging: Paging = FIRST_PAGE): Promise<Answer> => {
  // The CLI's card pages too, but its report is `patchbot report compliance`: it reads a page here.
  const offset = windowOf({ ...paging, surface: 'console' }).offset;
  // `--json` is the same whatever the page (`patchbot ask … --page 2 --json`): its summary is the
  // first page's, from the same read (buildCompliancePages) as the page itself.
  const head = paging.surface === 'cli' ? PAGE_SIZE : 0;
  const { page: report, first } = await buildCompliancePages(store, { sla, framework: intent.standard, group: intent.target, now, sample: PAGE_SIZE, offset, head });
  const summary = summarizeCompliance(report);
  const firstPage = paging.surface === 'cli' ? summarizeCompliance(first) : summary;
  const command = commandOf(intent);
  const all = `\`patchbot report compliance${intent.standard ? ` --framework ${intent.standard}` : ''}${report.scope ? ` --group ${report.scope}` : ''}\``;
  const page = (heading: string, items: string[], total: number): { list: CardList; total: number }[] =>
    total ? [{ list: pagedList(items, total, paging, command, heading, all), total }] : [];
  const hosts = (heading: string, list: Counted<HostCompliance>, line: (h: HostCompliance) => string) => page(heading, list.first.map(line), list.count);
  const paged = [
    ...(report.scope ? [] : page('Groups', slicePage(report.groups, paging.page).map(groupLine), report.groups.length)),
    ...hosts('Overdue', report.overdue, overdueLine),
    ...hosts('Unknown', report.unknown, (h) => unknownLine(h, report.generatedAt)),
    ...hosts('At risk', report.atRisk, atRiskLine),
  ];
  const totals = paged.map((p) => p.total);
  const lists = pageLists(paging.page, paged);
  const footer = freshnessLine(report, report.generatedAt) ?? `no hosts in ${report.scope ?? 'the inventory'}`;
  return {
    card: {
      title: clip(`Compliance: ${report.policy.label}${report.scope ? ` (${report.scope})` : ''}`, CARD_LIMITS.titleChars),
      text: clip(`${summary.headline}\n${report.policy.note}`, CARD_LIMITS.sectionChars),
      ...(lists.length ? { lists } : {}),
      context: clip(footer, CARD_LIMITS.sectionChars),
      ...nextPage(paging, command, totals),
    },
    data: {
      headline: firstPage.headline,
      lines: firstPage.lines,
      total: report.total,
      counts: { overdue: report.overdue.count, unknown: report.unknown.count, atRisk: report.atRisk.count, groups: report.groups.length },
    },
  };
};
