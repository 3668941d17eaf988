import type { Change } from '../../changes/change.ts';
import type { DryRunCommands } from '../../rollouts/dry-run-commands.ts';
import { CARD_LIMITS, type Card, type CardSection, clip } from '../card.ts';

/** Hosts a card folds out one by one; past that, a line says where the rest are. */
const HOSTS_PER_CARD = 5;
/** Characters of commands per host: one Slack section, and five of them stay under Teams' ~28 KB. */
const CHARS_PER_HOST = CARD_LIMITS.sectionChars;

/** The commands as one code block; cut where a section must end, saying where the rest is. */
const commandsText = (change: Change, commands: readonly string[]): string => {
  const full = ['```', ...commands.map((c) => c.replace(/```/g, "'''")), '```'].join('\n');
  if (full.length <= CHARS_PER_HOST) return full;
  const rest = `\n\`\`\`\n… cut here: \`patchbot change show ${change.id} --json\` has every command in full.`;
  return `${full.slice(0, CHARS_PER_HOST - rest.length)}${rest}`;
};

/** One fold per host: its playbook, then each command it would run, numbered, in order. */
export const dryRunSections = (change: Change, hosts: readonly DryRunCommands[]): CardSection[] => {
  const shown = hosts.slice(0, HOSTS_PER_CARD).map((h): CardSection => ({
    heading: clip(`${h.host} would run ${h.commands.length} command${h.commands.length === 1 ? '' : 's'} (${h.playbook}, dry run)`, CARD_LIMITS.titleChars),
    collapsed: true,
    text: commandsText(change, h.commands),
  }));
  const rest = hosts.length - shown.length;
  return rest > 0 ? [...shown, { text: `+${rest} more host${rest === 1 ? '' : 's'}: \`patchbot change show ${change.id} --json\` lists every host's commands.` }] : shown;
};

/** Posted in the change's thread when a wave ran in dry run: what each host would have run. */
export const dryRunCard = (change: Change, title: string, hosts: readonly DryRunCommands[]): Card => ({
  title: clip(`${change.id}: ${title}`, CARD_LIMITS.titleChars),
  text: 'Dry run (execution.dryRun): nothing ran on the hosts. Each host below would have run these commands, in order.',
  sections: dryRunSections(change, hosts),
  threadKey: `change:${change.id}`,
});
