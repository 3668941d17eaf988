import { describe, expect, it } from 'vitest';
import type { CliIo } from './command.ts';
import { scrubbedIo } from './scrubbed-io.ts';

describe('scrubbedIo', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {}, cwd: '/', isTty: true };
    return { io: scrubbedIo(io), out, err };
  };

  it('removes escape sequences and C1 controls, keeping tab, newline and the progress bar carriage return', () => {
    const { io, out, err } = capture();
    io.stdout.write('\rscan 3 / 9\tok\n\u001b]52;c;ZXZpbA==\u0007\u001b[2K\u001b[32mall hosts compliant\u009b2J\u0085\n');
    io.stderr.write('web-01: \u001b[31mfailed\u001b[0m\u007f');
    expect(out).toEqual(['\rscan 3 / 9\tok\n]52;c;ZXZpbA==[2K[32mall hosts compliant2J\n']);
    expect(err).toEqual(['web-01: [31mfailed[0m']);
  });

  it('still redacts secrets', () => {
    const { io, out } = capture();
    io.stdout.write('url http://patchbot:hunter2@db.example:5432/patchbot\n');
    expect(out.join('')).not.toContain('hunter2');
  });
});
