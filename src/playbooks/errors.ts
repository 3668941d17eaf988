import { PatchbotError } from '../shared/errors.ts';

/** Playbook files that do not load: every problem, each `<file>: <field.path>: <message>`. */
export class PlaybookInvalidError extends PatchbotError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(
      'playbook-invalid',
      `${source} has ${problems.length} playbook problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'Fix the files and check them with `patchbot playbook validate FILE…`.',
    );
    this.problems = problems;
  }
}

/**
 * Parameter values refused before anything ran: wrong type, pattern mismatch, a value the shell
 * would read as an option. Values come from chat, so the message names the parameter and the
 * rule, never just "invalid".
 */
export class PlaybookParamError extends PatchbotError {
  readonly playbook: string;
  readonly problems: string[];
  constructor(playbook: string, problems: string[]) {
    super('playbook-param', `${playbook}: ${problems.join('; ')}`, 'Nothing was run. Give values that match the parameter patterns (see the playbook file).');
    this.playbook = playbook;
    this.problems = problems;
  }
}

/** No playbook fits (kind × os), or more than one does. */
export class PlaybookChoiceError extends PatchbotError {
  constructor(message: string, hint: string) {
    super('playbook-choice', message, hint);
  }
}
