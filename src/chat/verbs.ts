/** The `/patch` verbs of DESIGN §5, with the usage line `help` and parse failures show. */
export const VERBS = {
  help: { usage: 'help [command]', summary: 'what patchbot understands' },
  scan: { usage: 'scan [group|host]', summary: 'scan hosts for missing patches now' },
  missing: { usage: 'missing <patch> [in <group|host>]', summary: 'which hosts are missing a patch' },
  status: { usage: 'status <host>', summary: "a host's missing patches, reboot flag and last scan" },
  pending: { usage: 'pending [group|host]', summary: 'patches missing across a group, by severity' },
  reboots: { usage: 'reboots [group|host]', summary: 'hosts waiting for a reboot' },
  compliance: { usage: 'compliance [pci|hipaa] [group|host]', summary: 'compliance against the patch SLAs' },
  propose: { usage: 'propose <patches> to <groups> [at <window>] [emergency]', summary: 'propose a rollout for approval' },
  changes: { usage: 'changes', summary: 'open changes and their state' },
  show: { usage: 'show <change> [patches]', summary: 'one change: plan, votes, progress (or every patch it installs)' },
  approve: { usage: 'approve <change> [comment]', summary: 'vote to approve a change' },
  reject: { usage: 'reject <change> [reason]', summary: 'vote to reject a change' },
  pause: { usage: 'pause <change> [hosts]', summary: 'pause a running change after the current hosts' },
  resume: { usage: 'resume <change> [hosts]', summary: 'resume a paused or halted change' },
  cancel: { usage: 'cancel <change> [hosts]', summary: 'cancel a change that has not finished' },
  rollback: { usage: 'rollback <change> [hosts]', summary: 'roll back a change on all or some hosts' },
} as const;

export type Verb = keyof typeof VERBS;

/** The verbs that start or decide work: not for someone who may only ask (see acting-person.ts). */
export const ACTING_VERBS: ReadonlySet<Verb> = new Set(['scan', 'propose', 'approve', 'reject', 'pause', 'resume', 'cancel', 'rollback']);
export const VERB_NAMES = Object.keys(VERBS) as Verb[];
export const isVerb = (word: string): word is Verb => Object.hasOwn(VERBS, word);

/**
 * Shown when nothing was understood: the questions people ask most. Each works as written on the
 * embedded defaults (`local`, `localhost`), so a newcomer's first try succeeds
 * (test/chat/first-run-hints.test.ts runs them); `pending` lists the patch ids the rest take.
 */
export const EXAMPLES = ["what's pending?", 'who needs a reboot?', 'status of localhost', 'is local compliant?', 'changes', 'help'];
