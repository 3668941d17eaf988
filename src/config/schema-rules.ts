/**
 * Rules that span sections: names must be unique, and every reference (group members, a host's
 * groups, a schedule's targets and window) must point at something defined; demo mode must not
 * run real changes (demo-mode.ts). They run on the raw,
 * possibly half-invalid value so one `config check` reports them together with type errors.
 */
import type { z } from 'zod';
import { GROUP_NAME } from '../inventory/host.ts';
import { Role } from '../people/person.ts';
import { closest } from './suggest.ts';
import { demoModeRules } from './demo-mode.ts';
import { NOW_WINDOW } from './schema-windows.ts';
import { isRecord, listOf, recordOf, textOf } from './schema-common.ts';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/** Reports every entry whose `key` repeats an earlier entry's. */
const unique = (items: unknown[], base: Path, key: string, what: string, report: Report) => {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = textOf(recordOf(item)[key]);
    if (value === undefined) return;
    if (seen.has(value)) report([...base, index, key], `duplicate ${what} "${value}"; each ${what} must be unique, rename or remove one`);
    seen.add(value);
  });
};

const names = (items: unknown[]): Set<string> => new Set(items.map((item) => textOf(recordOf(item).name)).filter((name) => name !== undefined));

const inventoryRules = (inventory: Record<string, unknown>, report: Report) => {
  const hosts = listOf(inventory.hosts);
  const groups = listOf(inventory.groups);
  const hostNames = names(hosts);
  const groupNames = names(groups);
  const listedByHosts = new Set(hosts.flatMap((host) => listOf(recordOf(host).groups).map(textOf)));
  unique(hosts, ['inventory', 'hosts'], 'name', 'host name', report);
  unique(groups, ['inventory', 'groups'], 'name', 'group name', report);
  // A name only hosts list is a group of its own (README; src/inventory/implied-groups.ts), so it
  // must be a valid group name, and schedules may target it.
  hosts.forEach((host, index) => {
    listOf(recordOf(host).groups).forEach((group, at) => {
      const name = textOf(group);
      if (name === undefined || groupNames.has(name)) return;
      if (!GROUP_NAME.test(name)) {
        report(['inventory', 'hosts', index, 'groups', at], `"${name}" is not a group name (letters, digits, dot, dash, underscore; first a letter or digit)`);
        return;
      }
      groupNames.add(name);
    });
  });
  groups.forEach((group, index) => {
    const fields = recordOf(group);
    listOf(fields.members).forEach((member, at) => {
      const name = textOf(member);
      if (name !== undefined && !hostNames.has(name)) {
        const near = closest(name, hostNames);
        report(['inventory', 'groups', index, 'members', at], `unknown host "${name}"${near ? ` (did you mean "${near}"?)` : ''}; add it to inventory.hosts or remove it from the group`);
      }
    });
    // README: a group's members are its static members, the hosts that list it, and/or a selector,
    // so a group defined only to say `production: true` gets its members from the hosts. One that
    // no host lists and that has neither members nor a selector is empty, which is a mistake.
    const name = textOf(fields.name);
    if (isRecord(group) && fields.members === undefined && fields.selector === undefined && !listedByHosts.has(name ?? '')) {
      report(['inventory', 'groups', index], `group "${name ?? ''}" has no members: give it members (host names) or a selector (os, tags), or list it in hosts' groups`);
    }
  });
  return groupNames;
};

const peopleRules = (people: unknown[], report: Report) => {
  unique(people, ['people'], 'name', 'person name', report);
  // One surface account must map to one person, or votes could not be attributed.
  unique(people, ['people'], 'slack', 'Slack user id', report);
  unique(people, ['people'], 'teams', 'Teams user id', report);
  unique(people, ['people'], 'email', 'email', report);
  // ITSM approvers are mapped to people by these ids alone (src/tickets/itsm-people.ts).
  unique(people, ['people'], 'jira', 'Jira account id', report);
  unique(people, ['people'], 'servicenow', 'ServiceNow user_name', report);
};

const scheduleRules = (config: Record<string, unknown>, groupNames: Set<string>, report: Report) => {
  const windows = new Set([...Object.keys(recordOf(config.windows)), NOW_WINDOW]);
  const proposals = listOf(recordOf(config.schedules).proposals);
  unique(proposals, ['schedules', 'proposals'], 'name', 'schedule name', report);
  proposals.forEach((proposal, index) => {
    const fields = recordOf(proposal);
    const window = textOf(fields.window);
    if (window !== undefined && !windows.has(window)) {
      report(['schedules', 'proposals', index, 'window'], `unknown window "${window}"; define it under windows (defined: ${[...windows].join(', ')})`);
    }
    listOf(fields.targets).forEach((target, at) => {
      const name = textOf(target);
      if (name !== undefined && !groupNames.has(name)) report(['schedules', 'proposals', index, 'targets', at], `unknown group "${name}"; define it under inventory.groups`);
    });
  });
};

const ROLES = ['oncall', 'cab', 'admin', 'viewer'];

/**
 * A policy principal that can never match anybody, whatever people are added: a role that does
 * not exist (`role:oncal`) or a person who is not configured. Such a policy could never approve
 * (or notify) anyone, so it is an error, with the closest name. A valid role nobody holds yet is
 * only a warning (warnings.ts): the defaults ship role:cab, and a CAB may be staffed later.
 */
const approvalRules = (config: Record<string, unknown>, groupNames: Set<string>, report: Report) => {
  const people = names(listOf(config.people));
  for (const [policy, value] of Object.entries(recordOf(config.approval))) {
    if (!isRecord(value)) continue;
    for (const list of ['approvers', 'voters', 'notify']) {
      listOf(value[list]).forEach((entry, index) => {
        const principal = textOf(entry);
        if (principal === undefined) return;
        const path = ['approval', policy, list, index];
        if (principal.startsWith('role:')) {
          const role = principal.slice('role:'.length);
          if (Role.safeParse(role).success) return;
          const near = closest(role, [...ROLES, ...[...groupNames].map((group) => `approver:${group}`)]);
          report(path, `unknown role "${role}"${near ? `; did you mean role:${near}?` : ''} Roles are oncall, cab, admin, viewer and approver:<group>; as written this matches nobody`);
        } else if (!people.has(principal)) {
          const near = closest(principal, people);
          report(path, `nobody named "${principal}" is under people${near ? ` (did you mean ${near}?)` : ''}; add them under people or name a role (role:cab)`);
        }
      });
    }
  }
};

/** The root superRefine of `Config`. */
export const crossSectionRules = (value: unknown, ctx: z.RefinementCtx) => {
  const config = recordOf(value);
  const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  const groupNames = inventoryRules(recordOf(config.inventory), report);
  peopleRules(listOf(config.people), report);
  approvalRules(config, groupNames, report);
  scheduleRules(config, groupNames, report);
  demoModeRules(config, report);
};
