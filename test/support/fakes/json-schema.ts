/**
 * A small JSON-schema checker for the vendored Jira schemas (test/tickets/jira-schemas.ts): the
 * draft-04 / OpenAPI 3.0 keywords those schemas use, nothing else. `request: true` also flags
 * readOnly properties, which a client must not send.
 */
export type Schema = { [keyword: string]: unknown };

interface Context {
  root: Schema;
  request: boolean;
  errors: string[];
}

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const resolve = (root: Schema, ref: string): Schema => {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema | undefined)?.[part];
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
};

const check = (schema: Schema, value: unknown, path: string, ctx: Context): boolean => {
  const before = ctx.errors.length;
  const fail = (message: string) => ctx.errors.push(`${path || '(root)'}: ${message}`);
  if (typeof schema.$ref === 'string') return check(resolve(ctx.root, schema.$ref), value, path, ctx);
  const type = typeOf(value);
  if (typeof schema.type === 'string' && schema.type !== type && !(schema.type === 'number' && type === 'integer')) fail(`expected ${schema.type}, got ${type}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => v === value)) fail(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
  if (type === 'string') {
    const text = value as string;
    if (typeof schema.minLength === 'number' && text.length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && text.length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(text)) fail(`does not match ${schema.pattern}`);
  }
  if (type === 'integer' || type === 'number') {
    if (typeof schema.minimum === 'number' && (value as number) < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && (value as number) > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (type === 'array') checkArray(schema, value as unknown[], path, ctx, fail);
  if (type === 'object') checkObject(schema, value as Record<string, unknown>, path, ctx, fail);
  if (Array.isArray(schema.allOf)) for (const sub of schema.allOf as Schema[]) check(sub, value, path, ctx);
  if (Array.isArray(schema.anyOf)) {
    const passes = (schema.anyOf as Schema[]).some((sub) => trial(sub, value, path, ctx));
    if (!passes)
      fail(`matches none of the ${schema.anyOf.length} allowed shapes${typeOf((value as Schema | null)?.type) === 'string' ? ` (type "${(value as Schema).type as string}")` : ''}`);
  }
  return ctx.errors.length === before;
};

/** Checks without keeping the errors: for anyOf branches. */
const trial = (schema: Schema, value: unknown, path: string, ctx: Context): boolean => {
  const scratch: Context = { ...ctx, errors: [] };
  return check(schema, value, path, scratch);
};

const checkArray = (schema: Schema, items: unknown[], path: string, ctx: Context, fail: (m: string) => void) => {
  if (typeof schema.minItems === 'number' && items.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
  if (typeof schema.maxItems === 'number' && items.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
  if (Array.isArray(schema.items)) {
    // draft-04 tuple form: position i checked by items[i]; later items are free.
    (schema.items as Schema[]).forEach((sub, i) => i < items.length && check(sub, items[i], `${path}[${i}]`, ctx));
  } else if (typeof schema.items === 'object' && schema.items !== null) {
    items.forEach((item, i) => check(schema.items as Schema, item, `${path}[${i}]`, ctx));
  }
};

const checkObject = (schema: Schema, object: Record<string, unknown>, path: string, ctx: Context, fail: (m: string) => void) => {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const name of (schema.required ?? []) as string[]) if (!(name in object)) fail(`missing required "${name}"`);
  for (const [name, value] of Object.entries(object)) {
    const sub = properties[name];
    const at = `${path}.${name}`;
    if (sub) {
      if (ctx.request && sub.readOnly === true) fail(`"${name}" is read-only and must not be sent`);
      check(sub, value, at, ctx);
    } else if (schema.additionalProperties === false) {
      fail(`unexpected property "${name}"`);
    } else if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
      check(schema.additionalProperties as Schema, value, at, ctx);
    }
  }
};

/** The problems of `value` under `root` (or the schema at `ref` inside it); empty when it is valid. */
export const schemaProblems = (root: Schema, value: unknown, options: { ref?: string; request?: boolean } = {}): string[] => {
  const ctx: Context = { root, request: options.request ?? false, errors: [] };
  check(options.ref ? resolve(root, options.ref) : root, value, '', ctx);
  return ctx.errors;
};
