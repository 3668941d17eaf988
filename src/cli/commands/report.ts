import { isReportFormat, REPORT_FORMATS, writeReport } from '../../compliance/format.ts';
import type { ComplianceStatus, HostCompliance } from '../../compliance/model.ts';
import { FRAMEWORKS, isFramework } from '../../compliance/policy.ts';
import { UsageError } from '../../shared/errors.ts';
import { type Command, EXIT, writeOut } from '../command.ts';

const REPORT_KINDS = ['compliance'] as const;
const FAIL_ON: readonly ComplianceStatus[] = ['overdue', 'unknown', 'at-risk'];

/** `--fail-on overdue --fail-on unknown` or `--fail-on overdue,unknown`. */
const parseFailOn = (given: string[]): ComplianceStatus[] => {
  const statuses = given
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = statuses.filter((s) => !(FAIL_ON as readonly string[]).includes(s));
  if (bad.length) throw new UsageError(`--fail-on takes ${FAIL_ON.join(', ')} (got ${bad.join(', ')})`);
  return statuses as ComplianceStatus[];
};

export const report: Command = {
  path: ['report'],
  summary: 'compliance report against the patch SLAs (table, csv, json)',
  usage: [
    'Usage: patchbot report compliance [--group G] [--framework pci|hipaa] [--format table|csv|json] [--fail-on overdue|unknown|at-risk]',
    'Per host and group: compliant, at risk, overdue or unknown (no fresh scan), with the oldest overdue patch.',
    'Exit 0 when the report was produced, overdue hosts or not: it is a report. With --fail-on (e.g. in a CI',
    'gate), exit 1 when any host has one of the given statuses. Exit 2 on usage errors.',
  ].join('\n'),
  options: {
    group: { type: 'string', description: 'only the hosts of this group' },
    framework: { type: 'string', description: `read the SLA through a framework: ${FRAMEWORKS.join(', ')}` },
    format: { type: 'string', description: `${REPORT_FORMATS.join(', ')} (default table)` },
    'fail-on': { type: 'string', multiple: true, description: 'exit 1 when any host is overdue, unknown or at-risk (repeatable)' },
  },
  positionals: [1, 1],
  usesStore: true,
  async run({ values, positionals, io, settings: loadConfig, withStore }) {
    const kind = positionals[0]!;
    if (!(REPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown report "${kind}"; available: ${REPORT_KINDS.join(', ')}`);
    const format = (values.format as string | undefined) ?? 'table';
    if (!isReportFormat(format)) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')} (got ${format})`);
    const framework = (values.framework as string | undefined) ?? null;
    if (framework !== null && !isFramework(framework)) throw new UsageError(`--framework takes ${FRAMEWORKS.join(', ')} (got ${framework})`);
    const failOn = parseFailOn((values['fail-on'] as string[] | undefined) ?? []);

    const config = await loadConfig();
    const group = (values.group as string | undefined) ?? null;
    const { buildComplianceOverview, complianceHosts } = await import('../../compliance/report.ts');
    // Hosts stream a page at a time (issue #20: 100,000 hosts); the ones --fail-on names are counted on the way.
    const failing = { count: 0, first: [] as string[] };
    const options = { sla: config.compliance.sla, framework, group, now: new Date() };
    await withStore(async ({ store }) => {
      async function* watched(): AsyncGenerator<HostCompliance[]> {
        for await (const page of complianceHosts(store, options)) {
          for (const h of page) {
            if (!failOn.includes(h.status)) continue;
            failing.count += 1;
            if (failing.first.length < 10) failing.first.push(`${h.host} (${h.status})`);
          }
          yield page;
        }
      }
      await writeReport(
        () => buildComplianceOverview(store, options),
        watched(),
        format,
        (chunk) => writeOut(io.stdout, chunk),
      );
    });

    if (failing.count === 0) return EXIT.ok;
    io.stderr.write(`patchbot report compliance: ${failing.count} host(s) ${failOn.join('/')}: ${failing.first.join(', ')}${failing.count > 10 ? `, +${failing.count - 10} more` : ''}\n`);
    return EXIT.failure;
  },
};
