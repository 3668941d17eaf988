import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { CliIo, Output } from './command.ts';

/**
 * The CLI's stdout and stderr through the logger's scrubber: whatever a command prints (a config
 * summary naming `http://patchbot:<password>@…`, a start-up error quoting a Slack apiUrl with
 * credentials, an ITSM error) reaches the terminal with its secrets redacted, like a log line.
 * The scrubber never spans a double quote, so JSON output stays JSON.
 */
const scrubbed = (out: Output): Output => ({ write: (text: string) => out.write(scrubSecrets(text)), ...(out.once ? { once: out.once.bind(out) } : {}) });

export const scrubbedIo = (io: CliIo): CliIo => ({ ...io, stdout: scrubbed(io.stdout), stderr: scrubbed(io.stderr) });
