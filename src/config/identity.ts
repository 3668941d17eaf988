/**
 * What a config means for the answers a command gives, as a fingerprint per top-level section of
 * the merged raw layers (files and environment). A CLI command forwarded to the running service
 * runs on the service's config; the service compares the caller's identity with its own and
 * refuses when they differ (run-cli.ts), so a command never silently answers from a config the
 * caller did not name.
 *
 * Left out, because they are where the service runs rather than what it answers: `server` (its
 * port and token), `log`, `store` (the caller found this service through its own store URL), and
 * every secret-named key (credentials usually live only in the service's environment). No zod
 * here: the CLI computes this before forwarding, where start time counts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { Tree } from './merge.ts';
import { isRecord } from './raw-values.ts';
import { SECRET_KEY_PATTERN } from './secrets.ts';

export interface ConfigIdentity {
  /** The config files read, defaults first, as absolute paths (for messages). */
  files: string[];
  /** The environment variables that set values (for messages). */
  env: string[];
  /** Top-level section → sha256 of its canonical JSON. */
  sections: Record<string, string>;
}

const NOT_COMPARED = new Set(['server', 'log', 'store']);

/** The value without its secret-named keys, at any depth: equal meaning must not hinge on a credential. */
const withoutSecrets = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (SECRET_KEY_PATTERN.test(key) ? [] : [[key, withoutSecrets(item)]])));
};

export const configIdentity = (tree: Tree, files: string[], env: string[]): ConfigIdentity => {
  const sections: Record<string, string> = {};
  for (const [name, value] of Object.entries(tree)) {
    if (NOT_COMPARED.has(name) || SECRET_KEY_PATTERN.test(name)) continue;
    sections[name] = createHash('sha256')
      .update(canonicalJson(withoutSecrets(value)))
      .digest('hex');
  }
  return { files, env, sections };
};

/** The sections in which two identities differ, sorted; empty when they mean the same. */
export const differingSections = (a: ConfigIdentity, b: ConfigIdentity): string[] =>
  [...new Set([...Object.keys(a.sections), ...Object.keys(b.sections)])].filter((name) => a.sections[name] !== b.sections[name]).sort();
