import { userInfo } from 'node:os';

/** Who typed the CLI command, as the audit log names them: the account on this machine. */
export const operatorName = (): string => {
  try {
    return `operator:${userInfo().username}`;
  } catch {
    return `operator:uid-${process.getuid?.() ?? 'unknown'}`;
  }
};
