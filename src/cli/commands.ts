import type { Command } from './command.ts';
import { auditVerify } from './commands/audit-verify.ts';
import { configCheck } from './commands/config-check.ts';
import { dbMigrate } from './commands/db-migrate.ts';
import { notYet } from './commands/not-yet.ts';
import { playbookValidate } from './commands/playbook-validate.ts';
import { scan } from './commands/scan.ts';
import { start } from './commands/start.ts';

/** Every CLI command, in help order. */
export const COMMANDS: Command[] = [
  start,
  scan,
  notYet(['ask'], 'answer a question the way chat does', 'patchbot ask "<question>" [--json]', 4, '[1, Infinity]'),
  notYet(['report'], 'compliance reports (table, csv, json)', 'patchbot report compliance [--format table|csv|json]', 4, '[0, Infinity]'),
  playbookValidate,
  notYet(['changes'], 'list changes', 'patchbot changes', 5, '[0, Infinity]'),
  notYet(['change'], 'show, propose, approve, reject, pause, resume, cancel or roll back a change', 'patchbot change <verb> …', 5, '[0, Infinity]'),
  auditVerify,
  configCheck,
  dbMigrate,
];
