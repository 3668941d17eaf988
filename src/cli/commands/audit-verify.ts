import { verifyChain } from '../../audit/verify-chain.ts';
import { type Command, EXIT } from '../command.ts';

export const auditVerify: Command = {
  path: ['audit', 'verify'],
  summary: 'check the hash-chained audit log; names the first altered, removed, inserted or reordered event',
  usage: 'Usage: patchbot audit verify [--json]\nExit 0 when the chain is intact, 1 when it is not.',
  options: { json: { type: 'boolean', description: 'print the result as JSON' } },
  usesStore: true,
  async run({ values, io, withStore }) {
    const result = await withStore(async ({ store }) => verifyChain(store.audit.read()));
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) io.stdout.write(`Audit chain intact: ${result.count} event${result.count === 1 ? '' : 's'}, head ${result.lastHash.slice(0, 16)}…\n`);
    else io.stdout.write(`Audit chain BROKEN at event #${result.seq} (${result.problem}): ${result.message}\n`);
    return result.ok ? EXIT.ok : EXIT.failure;
  },
};
