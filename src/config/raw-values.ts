/**
 * Reading raw config values (parsed YAML, before validation) defensively. Apart from the schemas
 * so that reading a config without validating it (the CLI finding a running service: layers.ts)
 * does not load zod.
 */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const recordOf = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
