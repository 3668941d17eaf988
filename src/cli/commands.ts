import type { Command } from './command.ts';
import { ask } from './commands/ask.ts';
import { auditVerify } from './commands/audit-verify.ts';
import { configCheck } from './commands/config-check.ts';
import { dbMigrate } from './commands/db-migrate.ts';
import { change, changes } from './commands/change.ts';
import { playbookValidate } from './commands/playbook-validate.ts';
import { report } from './commands/report.ts';
import { scan } from './commands/scan.ts';
import { start } from './commands/start.ts';
import { teamsPackage } from './commands/teams-package.ts';
import { signOut } from './commands/sign-out.ts';
import { tokenCreate, tokenList, tokenRevoke } from './commands/token.ts';

/** Every CLI command, in help order. */
export const COMMANDS: Command[] = [
  start,
  scan,
  ask,
  report,
  playbookValidate,
  changes,
  change,
  auditVerify,
  tokenCreate,
  tokenList,
  tokenRevoke,
  signOut,
  configCheck,
  dbMigrate,
  teamsPackage,
];
