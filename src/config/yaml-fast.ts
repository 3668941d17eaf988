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
 *   document, a key that is not text, a duplicate or `__proto__` key), any error, and text the
 *   two parsers were found to read differently (a scalar over several lines, a flow collection
 *   over several lines, READ_DIFFERENTLY below) returns `undefined`: the caller parses with
 *   `yaml` as before, so errors read as before, with their file:line:col.
 * Checked against yaml on the yaml-test-suite and on random edits of plain YAML (a seeded run is
 * in the tests).
 */
import { COLLECTION_STYLE, EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { Document, isScalar, type ScalarTag } from 'yaml';

/** The tags `yaml` tries on a plain scalar, in its order (its default YAML 1.2 core schema). */
const PLAIN_TAGS = new Document().schema.tags.filter((tag): tag is ScalarTag & { test: RegExp } => tag.default === true && !tag.collection && tag.test instanceof RegExp);
const RESOLVE_OPTIONS = new Document().options;

/** Thrown (and caught below) when this path cannot promise `yaml`'s result. */
class NotPlainData extends Error {}

/**
 * Every core-schema null, bool, int and float is empty or starts with one of these (YAML 1.2
 * §10.3.2); most inventory text (names, addresses, groups) does not, and skips the tags' tests.
 */
const MAY_BE_NOT_TEXT = /^(?:$|[-+.0-9~nNtTfF])/;

const plainValue = (source: string): unknown => {
  if (!MAY_BE_NOT_TEXT.test(source)) return source;
  for (const tag of PLAIN_TAGS) {
    if (!tag.test.test(source)) continue;
    const value = tag.resolve(
      source,
      () => {
        throw new NotPlainData();
      },
      RESOLVE_OPTIONS,
    );
    return isScalar(value) ? value.value : value;
  }
  return source;
};

const absent = (start: number) => start === -1;

const scalarValue = (text: string, event: ScalarEvent): unknown => {
  const block = event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK;
  if (!absent(event.tagStart) || !absent(event.anchorStart) || block) throw new NotPlainData();
  const source = getScalarValue(text, event);
  return event.style === SCALAR_STYLE.PLAIN ? plainValue(source) : source;
};

/** Where the next value goes: a list, or a mapping with the key read before it (NO_KEY when it is the key). */
const NO_KEY = Symbol('no key');

/**
 * Scalars must sit on one line (and not be block scalars, scalarValue), and a flow
 * collection (`[…]`, `{…}`) must hold only what is on the line it opens on: fuzzing found js-yaml
 * and yaml folding multi-line and block scalars, and reading flow collections across lines,
 * differently in corner cases. A generated inventory
 * writes a host a line, or in block style; anything else goes to yaml.
 */
const lineChecks = (text: string) => {
  let lineEnd = -1;
  let flowEnd = -1;
  let flowDepth = 0;
  const endOfLine = (offset: number) => {
    if (offset > lineEnd) lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
    return lineEnd;
  };
  return {
    scalar: (event: ScalarEvent) => {
      if (absent(event.valueStart)) return;
      if (event.valueEnd > endOfLine(event.valueStart) || (flowDepth > 0 && event.valueEnd > flowEnd)) throw new NotPlainData();
    },
    open: (start: number, flow: boolean) => {
      if (!flow) {
        if (flowDepth > 0) throw new NotPlainData();
        return;
      }
      if (flowDepth === 0) flowEnd = endOfLine(start);
      else if (start > flowEnd) throw new NotPlainData();
      flowDepth += 1;
    },
    close: (flow: boolean) => {
      if (flow) flowDepth -= 1;
    },
  };
};

const build = (text: string, events: Event[]): unknown => {
  const lines = lineChecks(text);
  const open: (unknown[] | Record<string, unknown>)[] = [];
  const flows: boolean[] = [];
  const keys: (string | typeof NO_KEY)[] = [];
  let documents = 0;
  let root: unknown;
  const place = (value: unknown, isScalarKey: boolean) => {
    const depth = open.length - 1;
    if (depth < 0) {
      root = value;
      return;
    }
    const top = open[depth]!;
    if (Array.isArray(top)) {
      top.push(value);
      return;
    }
    const key = keys[depth]!;
    if (key !== NO_KEY) {
      top[key] = value;
      keys[depth] = NO_KEY;
      return;
    }
    // A key: only text, once per mapping, and not one that plain objects treat specially.
    if (!isScalarKey || typeof value !== 'string' || value === '__proto__' || Object.hasOwn(top, value)) throw new NotPlainData();
    keys[depth] = value;
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
        const flow = event.style === COLLECTION_STYLE.FLOW;
        lines.open(event.start, flow);
        const collection = event.type === EVENT_ID.SEQUENCE ? [] : {};
        place(collection, false);
        open.push(collection);
        flows.push(flow);
        keys.push(NO_KEY);
        break;
      }
      case EVENT_ID.SCALAR:
        lines.scalar(event);
        place(scalarValue(text, event), true);
        break;
      case EVENT_ID.POP:
        lines.close(flows.pop() ?? false);
        open.pop();
        keys.pop();
        break;
      default:
        throw new NotPlainData(); // an alias
    }
  }
  if (documents !== 1) throw new NotPlainData();
  return root;
};

/**
 * Text that js-yaml and yaml read differently (found by fuzzing the two against each other), all
 * unlikely in a generated file; yaml decides:
 * - a carriage return alone ends a line for js-yaml (as YAML 1.2 says) but not for yaml;
 * - a tab starting a line's content is an error for yaml where js-yaml may accept it;
 * - js-yaml takes an indented `---`, `...` or `%` directive on the first line for one, yaml
 *   reports it (any indented one steps aside: inside a value it is rare);
 * - yaml reports a byte-order mark followed by `- ` or by indentation, and one past the start;
 * - after a `...` end marker, yaml may count documents differently (it ends a file seldom);
 * - js-yaml reads on after a flow collection's `]` or `}` where yaml reports the text there.
 */
const READ_DIFFERENTLY = /\r(?!\n)|^ *\t|^[ \t]+(?:---|\.\.\.|%)|[\]}][ \t]*[^ \t\r\n,\]}:#]/m;
const DOCUMENT_END = /^\.\.\.(?:[ \t\r\n]|$)/m;
const readDifferently = (text: string): boolean => {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return (body !== text && /^(?:[ \t]|-(?:[ \t\r\n]|$))/.test(body)) || body.includes('\uFEFF') || READ_DIFFERENTLY.test(body) || DOCUMENT_END.test(body);
};

/** The data `yaml` would give for `text`, or undefined when only `yaml` itself can say. */
export const parsePlainYaml = (text: string): { data: unknown } | undefined => {
  if (readDifferently(text)) return undefined;
  try {
    return { data: build(text, parseEvents(text, {})) };
  } catch {
    return undefined;
  }
};
