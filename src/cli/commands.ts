import type { Command } from './command.ts';
import { auditVerify } from './commands/audit-verify.ts';
import { configCheck } from './commands/config-check.ts';
import { dbMigrate } from './commands/db-migrate.ts';
import { notYet } from './commands/not-yet.ts';
import { start } from './commands/start.ts';

/** Every CLI command, in help order. */
export const COMMANDS: Command[] = [
  start,
  notYet(['scan'], 'scan hosts for missing patches', 'patchbot scan [--group G | --host H]', 3, '[0, 0]'),
  notYet(['ask'], 'answer a question the way chat does', 'patchbot ask "<question>" [--json]', 4, '[1, Infinity]'),
  notYet(['report'], 'compliance reports (table, csv, json)', 'patchbot report compliance [--format table|csv|json]', 4, '[0, Infinity]'),
  notYet(['playbook', 'validate'], 'validate playbook files', 'patchbot playbook validate FILE…', 3, '[1, Infinity]'),
  notYet(['changes'], 'list changes', 'patchbot changes', 5, '[0, Infinity]'),
  notYet(['change'], 'show, propose, approve, reject, pause, resume, cancel or roll back a change', 'patchbot change <verb> …', 5, '[0, Infinity]'),
  auditVerify,
  configCheck,
  dbMigrate,
];
