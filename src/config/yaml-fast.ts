/**
 * A fast path for reading a large YAML file (a generated inventory: 100,000 hosts is ~11 MB) into
 * the same data `yaml` gives. `yaml` builds a document of nodes with positions and comments
 * before it turns it into data: ~110 µs a host, 11–13 s at 100,000 (issue #20). js-yaml's event
 * parser reads the same text into a flat list of events with offsets, from which the data is built
 * here directly, ~10 times faster.
 *
 * Same result, by construction where we can and by falling back where we cannot:
 * - plain scalars are resolved by `yaml`'s own core-schema tags (null, bool, int, float), so
 *   `0o17`, `1_000`, `.5` or `~` mean what they meant;
 * - anything beyond plain data (a tag, an anchor or alias, a directive, more or fewer than one
 *   document, a key that is not text, a duplicate or `__proto__` key) and any error returns
 *   `undefined`: the caller parses with `yaml` as before, so errors read as before, with their
 *   file:line:col.
 */
import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { Document, isScalar, type ScalarTag } from 'yaml';

/** The tags `yaml` tries on a plain scalar, in its order (its default YAML 1.2 core schema). */
const PLAIN_TAGS = new Document().schema.tags.filter((tag): tag is ScalarTag & { test: RegExp } => tag.default === true && !tag.collection && tag.test instanceof RegExp);
const RESOLVE_OPTIONS = new Document().options;

/** Thrown (and caught below) when this path cannot promise `yaml`'s result. */
class NotPlainData extends Error {}

const plainValue = (source: string): unknown => {
  for (const tag of PLAIN_TAGS) {
    if (!tag.test.test(source)) continue;
    const value = tag.resolve(source, () => {
      throw new NotPlainData();
    }, RESOLVE_OPTIONS);
    return isScalar(value) ? value.value : value;
  }
  return source;
};

const absent = (start: number) => start === -1;

const scalarValue = (text: string, event: ScalarEvent): unknown => {
  if (!absent(event.tagStart) || !absent(event.anchorStart)) throw new NotPlainData();
  const source = getScalarValue(text, event);
  return event.style === SCALAR_STYLE.PLAIN ? plainValue(source) : source;
};

type Open = { list: unknown[] } | { map: Record<string, unknown>; key: string | undefined };

const build = (text: string, events: Event[]): unknown => {
  const stack: Open[] = [];
  let documents = 0;
  let root: unknown;
  const place = (value: unknown, isScalarKey: boolean) => {
    const top = stack.at(-1);
    if (!top) {
      root = value;
      return;
    }
    if ('list' in top) {
      top.list.push(value);
      return;
    }
    if (top.key !== undefined) {
      top.map[top.key] = value;
      top.key = undefined;
      return;
    }
    // A key: only text, once per mapping, and not one that plain objects treat specially.
    if (!isScalarKey || typeof value !== 'string' || value === '__proto__' || Object.hasOwn(top.map, value)) throw new NotPlainData();
    top.key = value;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents += 1;
        if (documents > 1 || event.directives.length > 0) throw new NotPlainData();
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (!absent(event.tagStart) || !absent(event.anchorStart)) throw new NotPlainData();
        const open: Open = event.type === EVENT_ID.SEQUENCE ? { list: [] } : { map: {}, key: undefined };
        place('list' in open ? open.list : open.map, false);
        stack.push(open);
        break;
      }
      case EVENT_ID.SCALAR:
        place(scalarValue(text, event), true);
        break;
      case EVENT_ID.POP:
        stack.pop();
        break;
      default:
        throw new NotPlainData(); // an alias
    }
  }
  if (documents !== 1) throw new NotPlainData();
  return root;
};

/** The data `yaml` would give for `text`, or undefined when only `yaml` itself can say. */
export const parsePlainYaml = (text: string): { data: unknown } | undefined => {
  try {
    return { data: build(text, parseEvents(text, {})) };
  } catch {
    return undefined;
  }
};
