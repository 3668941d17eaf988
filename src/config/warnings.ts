/**
 * Things that are legal but probably wrong. They do not stop the service (a CAB may be staffed
 * later), but `config check` and the start-up log show them.
 */
import { policiesOf } from '../changes/approval-policy-config.ts';
import type { Config } from './schema.ts';
import { levenshtein } from '../shared/closest-matches.ts';
import { sshCredentialWarnings, sshFileWarnings } from './ssh-warnings.ts';
import { closest } from './suggest.ts';

/** The policies patchbot chooses from: by change class, and `production` for production targets. */
const KNOWN_POLICIES = ['standard', 'normal', 'emergency', 'production'];

const holders = (config: Config, principal: string): number => {
  if (!principal.startsWith('role:')) return config.people.some((person) => person.name === principal) ? 1 : 0;
  const role = principal.slice('role:'.length);
  return config.people.filter((person) => person.roles.includes(role)).length;
};

const approvalWarnings = (config: Config): string[] => {
  const warnings: string[] = [];
  for (const [name, policy] of Object.entries(policiesOf(config.approval))) {
    if (!KNOWN_POLICIES.includes(name)) {
      const near = closest(name, KNOWN_POLICIES);
      warnings.push(`approval.${name}: this policy is never chosen (patchbot uses ${KNOWN_POLICIES.join(', ')})${near ? `; did you mean ${near}?` : ''}`);
    }
    for (const list of ['approvers', 'voters', 'notify'] as const) {
      (policy[list] ?? []).forEach((principal, index) => {
        if (holders(config, principal) > 0) return;
        const who = principal.startsWith('role:') ? `nobody has role ${principal.slice(5)}` : `nobody is named ${principal}`;
        warnings.push(`approval.${name}.${list}.${index}: ${who}; add it under people or this ${list === 'notify' ? 'notification reaches no one' : 'policy can never be satisfied'}`);
      });
    }
    const needed = policy.quorum ?? policy.required ?? 0;
    const eligible = new Set(
      [...(policy.approvers ?? []), ...(policy.voters ?? [])].flatMap((principal) =>
        config.people.filter((person) => (principal.startsWith('role:') ? person.roles.includes(principal.slice(5)) : person.name === principal)).map((person) => person.name),
      ),
    );
    if (needed > 0 && eligible.size > 0 && eligible.size < needed) {
      warnings.push(
        `approval.${name}.${policy.quorum !== undefined ? 'quorum' : 'required'}: ${needed} approvals needed but only ${eligible.size} people are eligible; add people or lower it`,
      );
    }
  }
  return warnings;
};

const peopleWarnings = (config: Config): string[] => {
  const groups = new Set(config.inventory.groups.map((group) => group.name));
  const warnings: string[] = [];
  config.people.forEach((person, index) => {
    person.roles.forEach((role, at) => {
      if (role.startsWith('approver:') && !groups.has(role.slice('approver:'.length))) {
        warnings.push(`people.${index}.roles.${at}: group ${role.slice('approver:'.length)} is not in the inventory; this role grants nothing`);
      }
    });
  });
  if (config.chat.slack.enabled && !config.people.some((person) => person.slack)) {
    warnings.push('people: Slack is enabled but nobody has a slack user id; clicks from Slack cannot be attributed to a person');
  }
  if (config.chat.teams.enabled && !config.people.some((person) => person.teams)) {
    warnings.push('people: Teams is enabled but nobody has a teams user id; clicks from Teams cannot be attributed to a person');
  }
  // ITSM approvers map to people by account id only (docs/itsm.md): a requester without one can
  // never have an ITSM approval applied, since patchbot cannot tell their approval from another's.
  const kind = config.itsm.kind;
  if (config.approval.source !== 'chat' && (kind === 'jira' || kind === 'servicenow')) {
    const missing = config.people.filter((person) => person[kind] === undefined).map((person) => person.name);
    if (missing.length) {
      warnings.push(
        `people: approval.source is ${config.approval.source} but ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no people[].${kind}; ` +
          `approvals in ${kind === 'jira' ? 'Jira' : 'ServiceNow'} of their changes are not applied and their approvals there are not their votes`,
      );
    }
  }
  return warnings;
};

/**
 * A group only hosts list is legal (README), but `groups: [prod-wbe]` next to a defined `prod-web`
 * is far likelier a typo that quietly makes a one-host group: say so, with the near name.
 */
const impliedGroupWarnings = (config: Config): string[] => {
  const { hosts, groups } = config.inventory;
  // Implied groups (appended after parsing) are bare names; a defined one says something more
  // (members, a selector, production, a description). A bare defined one means the same as implied.
  const defined = groups.filter((group) => group.members !== undefined || group.selector !== undefined || group.production || group.description !== undefined).map((group) => group.name);
  const warnings: string[] = [];
  hosts.forEach((host, index) => {
    host.groups.forEach((name, at) => {
      if (defined.includes(name)) return;
      const near = closest(name, defined);
      // Short names are all near each other (web, db): only a near miss of a longer name counts.
      if (near && levenshtein(name, near) * 3 < name.length)
        warnings.push(`inventory.hosts.${index}.groups.${at}: group ${name} is defined only by the hosts that list it; did you mean ${near}?`);
    });
  });
  return warnings;
};

/** `env`: the environment patchbot runs with (for the SSH agent); without it, credentials are not checked. */
export const configWarnings = (config: Config, env?: Record<string, string | undefined>): string[] => [
  ...approvalWarnings(config),
  ...peopleWarnings(config),
  ...impliedGroupWarnings(config),
  ...(env ? [...sshCredentialWarnings(config, env), ...sshFileWarnings(config)] : []),
];
