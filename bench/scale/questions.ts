/**
 * The questions of issue #20's table, each as patchbot answers it and as one hand-written SQL
 * statement for the same facts (the counts, the first page of names, the freshness summary). The
 * hand-written statements use only the tables of the original schema (migration 007), so the
 * same statement runs before and after patchbot's changes.
 */
import { answerMissing } from '../../src/chat/answers/missing.ts';
import { answerPending } from '../../src/chat/answers/pending.ts';
import { answerReboots } from '../../src/chat/answers/reboots.ts';
import { answerStatus } from '../../src/chat/answers/status.ts';
import { writeReport } from '../../src/compliance/format.ts';
import { buildComplianceOverview, complianceHosts } from '../../src/compliance/report.ts';
import { summarizeCompliance } from '../../src/compliance/summary.ts';
import { ComplianceConfig } from '../../src/config/schema-execution.ts';
import { RolloutConfig } from '../../src/config/schema-rollout.ts';
import type { StorageEngine } from '../../src/patchbot-store.ts';
import { planRollout } from '../../src/rollouts/plan.ts';
import { EVERYONE, POPULAR, RARE, groupName, hostName } from './estate.ts';

export interface Question {
  name: string;
  patchbot: () => Promise<unknown>;
  /** One statement and its parameters; absent when there is no fair single-statement equivalent. */
  sql?: [string, unknown[]];
}

const LATEST = (scope: string) =>
  `latest as (select distinct on (host) host, outcome, finished_at, reboot_required from host_scans where host in (${scope}) order by host, finished_at desc)`;
const FRESHNESS = `(select json_build_object('hosts', (select count(*) from scope), 'scanned', count(*) filter (where outcome = 'ok'),
  'newest', max(finished_at) filter (where outcome = 'ok'), 'oldest', min(finished_at) filter (where outcome = 'ok'),
  'unreachable', count(*) filter (where outcome <> 'ok')) from latest)`;

const missingSql = `with scope as (select name from hosts), ${LATEST('select name from scope')},
  f as (select host, state from findings where patch_id = $1 and host in (select name from scope))
  select (select count(*) from f where state in ('missing', 'failed')) as missing, (select count(*) from f where state = 'installed') as installed,
    (select count(*) from scope where not exists (select 1 from f where f.host = scope.name)) as not_reported,
    (select json_agg(host) from (select host from f where state in ('missing', 'failed') order by host limit 15) x) as first, ${FRESHNESS} as freshness`;

const rebootsSql = `with scope as (select name from hosts), ${LATEST('select name from scope')}
  select count(*) filter (where reboot_required) as needing, count(*) filter (where reboot_required is null) as unknown,
    (select json_agg(host) from (select host from latest where reboot_required order by host limit 15) x) as first, ${FRESHNESS} as freshness
  from latest`;

const statusSql = `select (select json_agg(x) from (select f.patch_id, f.state, coalesce(p.severity, 'unknown') as severity from findings f left join patches p on p.id = f.patch_id where f.host = $1) x) as findings,
  (select row_to_json(s) from (select * from host_scans where host = $1 order by finished_at desc limit 1) s) as last_scan`;

const pendingSql = `with scope as (select name from hosts where $1 = any(groups)), ${LATEST('select name from scope')},
  f as (select f.host, f.patch_id, coalesce(p.severity, 'unknown') as severity from findings f join scope on scope.name = f.host left join patches p on p.id = f.patch_id where f.state in ('missing', 'failed')),
  per as (select patch_id, severity, count(*) as hosts from f group by 1, 2)
  select (select json_agg(per order by hosts desc) from per) as patches, (select count(distinct host) from f) as affected,
    (select json_object_agg(severity, n) from (select severity, count(distinct host) as n from f group by 1) s) as by_severity, ${FRESHNESS} as freshness`;

/** The organisation SLA (critical 7 d, important 30 d, moderate and unknown 90 d, low 180 d), the clock from first seen. */
const complianceSql = (group: boolean) => `with scope as (select name, groups from hosts ${group ? 'where $2 = any(groups)' : ''}), ${LATEST('select name from scope')},
  due as (select f.host, f.first_seen + case coalesce(p.severity, 'unknown') when 'critical' then interval '7 days' when 'important' then interval '30 days'
      when 'low' then interval '180 days' else interval '90 days' end as due_at,
      case coalesce(p.severity, 'unknown') when 'critical' then interval '3 days' when 'important' then interval '7.5 days' when 'low' then interval '45 days' else interval '22.5 days' end as warn
    from findings f join scope on scope.name = f.host left join patches p on p.id = f.patch_id where f.state in ('missing', 'failed', 'pending-reboot')),
  per_host as (select host, min(due_at) as first_due, min(due_at - warn) as first_warn from due group by host),
  status as (select scope.name, scope.groups, case when l.host is null or l.outcome <> 'ok' or l.finished_at < $1::timestamptz - interval '7 days' then 'unknown'
      when d.first_due < $1::timestamptz then 'overdue' when d.first_warn <= $1::timestamptz then 'at-risk' else 'compliant' end as status
    from scope left join latest l on l.host = scope.name left join per_host d on d.host = scope.name)
  select (select json_object_agg(status, n) from (select status, count(*) as n from status group by 1) t) as total,
    (select json_agg(g) from (select g.name as group, s.status, count(*) as n from status s, unnest(s.groups) as g(name) group by 1, 2) g) as groups`;

/** Thrown by the CSV writer below once the first host row is out: the report stops there. */
class FirstRowOut extends Error {}

/**
 * `patchbot report compliance --format csv` for every host as the CLI streams it, to the first
 * host row (`untilFirstRow`: what someone piping it sees first) or to the end (bytes written).
 */
const complianceCsv = async (store: StorageEngine, options: Parameters<typeof complianceHosts>[1], untilFirstRow: boolean): Promise<number> => {
  let bytes = 0;
  let lines = 0;
  try {
    await writeReport(
      () => buildComplianceOverview(store, options),
      complianceHosts(store, options),
      'csv',
      (chunk) => {
        bytes += chunk.length;
        lines += chunk.split('\n').length - 1;
        if (untilFirstRow && lines > 1) throw new FirstRowOut();
      },
    );
  } catch (error) {
    if (!(error instanceof FirstRowOut)) throw error;
  }
  return bytes;
};

export const questions = (store: StorageEngine, size: number, now: Date): Question[] => {
  const sla = ComplianceConfig.parse({}).sla;
  const group = groupName(Math.floor(size / 2 / 2000));
  const host = hostName(Math.floor(size / 3));
  const rollout = RolloutConfig.parse({});
  return [
    { name: 'which servers are missing <popular patch>', patchbot: () => answerMissing(store, { kind: 'missing', patch: POPULAR, target: null }, now), sql: [missingSql, [POPULAR]] },
    { name: 'which servers are missing <rare patch>', patchbot: () => answerMissing(store, { kind: 'missing', patch: RARE, target: null }, now), sql: [missingSql, [RARE]] },
    { name: 'who needs a reboot', patchbot: () => answerReboots(store, { kind: 'reboots', target: null }, now), sql: [rebootsSql, []] },
    { name: 'status <host>', patchbot: () => answerStatus(store, { kind: 'status', host }, now), sql: [statusSql, [host]] },
    { name: 'pending in <group of 2,000>', patchbot: () => answerPending(store, { kind: 'pending', target: group }, now), sql: [pendingSql, [group]] },
    {
      name: 'compliance, one group',
      patchbot: async () => summarizeCompliance(await buildComplianceOverview(store, { sla, group, now })),
      sql: [complianceSql(true), [now, group]],
    },
    { name: 'compliance, whole estate', patchbot: async () => summarizeCompliance(await buildComplianceOverview(store, { sla, now })), sql: [complianceSql(false), [now]] },
    { name: 'compliance CSV of every host: first host row', patchbot: () => complianceCsv(store, { sla, framework: null, group: null, now }, true) },
    { name: 'compliance CSV of every host: whole report', patchbot: () => complianceCsv(store, { sla, framework: null, group: null, now }, false) },
    {
      name: 'plan a change targeting every host',
      patchbot: async () => {
        const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
        return planRollout({ targets: [EVERYONE], hosts, groups, config: rollout, class: 'normal' });
      },
    },
  ];
};
