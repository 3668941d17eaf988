import { UsageError } from '../../shared/errors.ts';
import { type Command, EXIT } from '../command.ts';

export const auditVerify: Command = {
  path: ['audit', 'verify'],
  summary: 'check the hash-chained audit log; names the first altered, removed, inserted or reordered event',
  usage: [
    'Usage: patchbot audit verify [--json] [--expect-head SEQ:HASH]',
    'Exit 0 when the chain is intact, 1 when it is not. Deleting the newest events leaves a shorter',
    'chain that is still consistent: record the printed head elsewhere (a ticket, a log archive) and',
    'pass it back with --expect-head to catch that too.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', description: 'print the result as JSON' },
    'expect-head': { type: 'string', description: 'a head recorded earlier, as SEQ:HASH' },
  },
  usesStore: true,
  async run({ values, io, withStore }) {
    const expected = values['expect-head'] as string | undefined;
    const match = expected ? /^(\d+):([0-9a-f]{64})$/.exec(expected) : null;
    if (expected && !match) throw new UsageError('--expect-head takes SEQ:HASH as printed by an earlier `patchbot audit verify`');
    const expectHead = match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
    const { verifyChain } = await import('../../audit/verify-chain.ts');
    const result = await withStore(async ({ store }) => verifyChain(store.audit.read(), expectHead ? { expectHead } : {}));
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) io.stdout.write(`Audit chain intact: ${result.count} event${result.count === 1 ? '' : 's'}; head ${result.count}:${result.lastHash}\n`);
    else io.stdout.write(`Audit chain BROKEN at event #${result.seq} (${result.problem}): ${result.message}\n`);
    return result.ok ? EXIT.ok : EXIT.failure;
  },
};
