import { newAccessToken } from '../../people/access-tokens.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError, UsageError } from '../../shared/errors.ts';
import { type Command, EXIT, showSecret } from '../command.ts';
import { operatorName } from '../operator.ts';

/** Personal access tokens for scripts: each acts as its owner in the console API and nobody else. */
export const tokenCreate: Command = {
  path: ['token', 'create'],
  summary: 'create a personal access token that acts as one person (printed once)',
  usage: 'Usage: patchbot token create --as PERSON [--expires 90d]\nPrints the token once; the store keeps only its hash. Send it as Authorization: Bearer <token>.',
  options: {
    as: { type: 'string', description: 'the configured person the token acts as' },
    expires: { type: 'string', description: 'lifetime such as 30d or 12w (default 90d; "never" for none)', default: '90d' },
  },
  usesStore: true,
  async run({ values, io, deps, settings, withStore }) {
    const owner = values.as as string | undefined;
    if (!owner) throw new UsageError('--as PERSON is required: a token acts as exactly one configured person');
    const expires = values.expires as string;
    let lifetime: number | null = null;
    if (expires !== 'never') {
      // Loaded here: zod and the config sync cost every other command's start (`--help` included).
      const { Duration } = await import('../../config/schema-common.ts');
      const parsed = Duration.safeParse(expires);
      if (!parsed.success) throw new UsageError(`--expires ${expires}: write a duration with a unit (30d, 12w) or "never"`);
      lifetime = parsed.data;
    }
    // People only: the inventory (maybe 100,000 hosts, issue #20) has nothing to say about who may own a token.
    const config = await settings();
    const now = new Date();
    const token = newAccessToken();
    const expiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime);
    await withStore(
      async ({ store }) => {
        if (!deps.sharedRuntime) await store.people.sync(config.people);
        if (!(await store.people.get(owner)))
          throw new NotFoundError(
            'person',
            owner,
            closestMatches(
              owner,
              (await store.people.list()).map((p) => p.name),
            ),
          );
        await store.accessTokens.create({ id: token.id, hash: token.hash, owner, createdAt: now, expiresAt });
        await store.audit.append({ actor: operatorName(), action: 'access-token.created', subject: token.id, data: { owner, expiresAt: expiresAt?.toISOString() ?? null } });
      },
      { migrate: true },
    );
    showSecret(io.stdout, `${token.secret}\n`);
    io.stderr.write(`Token ${token.id} acts as ${owner}${expiresAt ? ` until ${expiresAt.toISOString()}` : ', with no expiry'}. It is shown only now.\n`);
    return EXIT.ok;
  },
};

export const tokenList: Command = {
  path: ['token', 'list'],
  summary: 'list personal access tokens: id, owner, expiry, last use (never the token)',
  usage: 'Usage: patchbot token list [--json]',
  options: { json: { type: 'boolean', description: 'print as JSON' } },
  usesStore: true,
  async run({ values, io, withStore }) {
    const tokens = await withStore(async ({ store }) => store.accessTokens.list(), { migrate: true });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return EXIT.ok;
    }
    if (!tokens.length) io.stdout.write('No access tokens. `patchbot token create --as PERSON` makes one.\n');
    const when = (d: Date | null, none: string) => (d ? d.toISOString() : none);
    for (const t of tokens) {
      const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : `expires ${when(t.expiresAt, 'never')}`;
      io.stdout.write(`${t.id}  ${t.owner}  created ${t.createdAt.toISOString()}  ${state}  last used ${when(t.lastUsedAt, 'never')}\n`);
    }
    return EXIT.ok;
  },
};

export const tokenRevoke: Command = {
  path: ['token', 'revoke'],
  summary: 'revoke a personal access token by its id',
  usage: 'Usage: patchbot token revoke TOKEN-ID\nThe id is the tok-… shown by `patchbot token list`.',
  options: {},
  positionals: [1, 1],
  usesStore: true,
  async run({ positionals, io, withStore }) {
    const id = positionals[0]!;
    const revoked = await withStore(
      async ({ store }) => {
        const done = await store.accessTokens.revoke(id, new Date());
        if (done) await store.audit.append({ actor: operatorName(), action: 'access-token.revoked', subject: id, data: {} });
        return done;
      },
      { migrate: true },
    );
    if (!revoked) {
      io.stderr.write(`No live access token ${id}: "patchbot token list" shows the ids (a revoked token stays revoked).\n`);
      return EXIT.failure;
    }
    io.stdout.write(`Revoked ${id}: it no longer acts as anyone.\n`);
    return EXIT.ok;
  },
};
