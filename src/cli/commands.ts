import type { Command } from './command.ts';
import { ask } from './commands/ask.ts';
import { auditVerify } from './commands/audit-verify.ts';
import { configCheck } from './commands/config-check.ts';
import { dbMigrate } from './commands/db-migrate.ts';
import { notYet } from './commands/not-yet.ts';
import { playbookValidate } from './commands/playbook-validate.ts';
import { report } from './commands/report.ts';
import { scan } from './commands/scan.ts';
import { start } from './commands/start.ts';

/** Every CLI command, in help order. */
export const COMMANDS: Command[] = [
  start,
  scan,
  ask,
  report,
  playbookValidate,
  notYet(['changes'], 'list changes', 'patchbot changes', 5, '[0, Infinity]'),
  notYet(['change'], 'show, propose, approve, reject, pause, resume, cancel or roll back a change', 'patchbot change <verb> …', 5, '[0, Infinity]'),
  auditVerify,
  configCheck,
  dbMigrate,
];
