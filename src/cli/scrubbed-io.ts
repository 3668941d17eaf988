import { forTerminal } from '../shared/control-chars.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { CliIo, Output } from './command.ts';

/**
 * The CLI's stdout and stderr through the logger's scrubber: whatever a command prints (a config
 * summary naming `http://patchbot:<password>@…`, a start-up error quoting a Slack apiUrl with
 * credentials, an ITSM error) reaches the terminal with its secrets redacted, like a log line.
 * The scrubber never spans a double quote, so JSON output stays JSON. Escape codes are removed
 * too (control characters but tab, newline and carriage return): an error or answer may quote a
 * host, and a terminal would act on them (review finding 5; the parsers strip them already).
 */
const scrubbed = (out: Output): Output => ({
  write: (text: string) => out.write(forTerminal(scrubSecrets(text))),
  // The one text meant to be a secret (a token as it is created) is not scrubbed; escapes still are.
  secret: (text: string) => (out.secret ? out.secret(forTerminal(text)) : out.write(forTerminal(text))),
  ...(out.once ? { once: out.once.bind(out) } : {}),
});

export const scrubbedIo = (io: CliIo): CliIo => ({ ...io, stdout: scrubbed(io.stdout), stderr: scrubbed(io.stderr) });
