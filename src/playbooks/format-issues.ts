import type { z } from 'zod';
import { closestMatches } from '../shared/closest-matches.ts';

/** Every field name of the format, for "unknown field tmeout; did you mean timeout?". */
const FIELDS = [
  'name',
  'description',
  'kind',
  'os',
  'readOnly',
  'params',
  'steps',
  'smoke',
  'rollback',
  'parser',
  'run',
  'timeout',
  'retries',
  'when',
  'reboot',
  'type',
  'pattern',
  'item',
  'required',
  'default',
  'description',
  'min',
  'max',
];

/** `steps.1.timeout`; the document itself is `(top)`. */
export const fieldPath = (path: readonly PropertyKey[]): string => (path.length ? path.map(String).join('.') : '(top)');

/**
 * zod issues as `<field.path>: <message>` lines, one per problem, in document order. Unknown keys
 * get one line each with the key in the path, so the line points at what to delete or fix.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = closestMatches(key, FIELDS, 1);
        lines.push(`${fieldPath([...issue.path, key])}: unknown field${near.length ? `; did you mean ${near[0]}?` : ''}`);
      }
      continue;
    }
    lines.push(`${fieldPath(issue.path)}: ${messageOf(issue)}`);
  }
  return lines;
}

function messageOf(issue: z.core.$ZodIssue): string {
  // zod's wording for a missing key is "Invalid input: expected string, received undefined".
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `is required (${issue.expected})`;
  if (issue.code === 'invalid_type') return issue.message.replace(/^Invalid input: /, '');
  return issue.message;
}
