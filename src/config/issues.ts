/**
 * zod issues → `path.to.key: message` lines that say what to do. Zod's own wording ("Invalid
 * input: expected number, received string") is replaced where we can say more: unknown keys get a
 * "did you mean", missing values say "required", enums list the allowed values. Values under
 * secret-named keys are never echoed back.
 */
import type { z } from 'zod';
import { SECRET_KEY_PATTERN } from './secrets.ts';
import { closest, knownKeysAt, pathsNamed } from './suggest.ts';

type Issue = z.core.$ZodIssue & { input?: unknown };
export type IssuePath = readonly (string | number)[];

export const formatPath = (path: IssuePath): string => (path.length ? path.map(String).join('.') : '(top level)');

const TYPE_NAMES: Record<string, string> = { object: 'a mapping (key: value)', array: 'a list', string: 'text', number: 'a number', boolean: 'true or false', int: 'a whole number' };

const isSecretPath = (path: IssuePath) => path.some((segment) => typeof segment === 'string' && SECRET_KEY_PATTERN.test(segment));

const show = (value: unknown, path: IssuePath): string => {
  if (isSecretPath(path)) return 'a value (not shown: secret)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and lists returned above: only a primitive is left
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value === 'string' ? 'text' : typeof value} ${text.length > 40 ? `${text.slice(0, 37)}…` : text}`;
};

/** A zod default message, which we may rephrase; our own messages never start like this. */
const isZodWording = (message: string) => /^(Invalid input|Invalid option|Invalid key|Invalid element)/.test(message);

const unknownKey = (schema: unknown, parent: IssuePath, key: string): string => {
  const known = knownKeysAt(schema, parent);
  const near = closest(key, known);
  if (near !== undefined) return `unknown key; did you mean ${near}?`;
  const elsewhere = pathsNamed(schema, key).filter((path) => path !== [...parent, key].join('.'));
  if (elsewhere.length) return `unknown key here; it belongs at ${elsewhere.join(' or ')}`;
  return known.length ? `unknown key; remove it (allowed here: ${known.join(', ')})` : 'unknown key; remove it';
};

export interface Problem {
  path: IssuePath;
  message: string;
}

/** One issue may stand for several problems (one per unknown key). */
export const problemsOf = (issue: Issue, schema: unknown): Problem[] => {
  const path = issue.path as IssuePath;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKey(schema, path, key) }));
    case 'invalid_type': {
      if (!isZodWording(issue.message)) return [{ path, message: issue.message }];
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return [{ path, message: `required; give ${expected}` }];
      return [{ path, message: `expected ${expected}, got ${show(issue.input, path)}` }];
    }
    case 'invalid_value':
      if (!isZodWording(issue.message)) return [{ path, message: issue.message }];
      return [{ path, message: `must be one of ${issue.values.map(String).join(', ')} (got ${show(issue.input, path)})` }];
    case 'invalid_key':
    case 'invalid_element':
      // A map key (a window name, say) failed its own schema: report the inner reasons at the key.
      return issue.issues.map((inner) => ({ path, message: `invalid name: ${inner.message}` }));
    case 'invalid_union':
      return [{ path, message: isZodWording(issue.message) ? 'does not match any allowed form; see config/default.yaml' : issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
};
