import type { FakeReply } from './http-fake.ts';
import type { CustomFieldKind } from './jira-issues.ts';

/**
 * What the Jira fake's site offers: custom fields with names and select options, the create
 * screen (createmeta, Cloud and Data Center shapes), and a Service Management request type's form.
 * A select value that is not one of its options is refused as Jira refuses it.
 */
export interface SiteFieldSpec {
  kind: CustomFieldKind;
  name?: string;
  /** Option names of a select field; ids are numbered from 10100. Absent: any option name goes (the old lax fake). */
  options?: string[];
}

export interface FakeRequestType {
  serviceDeskId: string;
  id: string;
  /** Field ids on the request type's form: summary, description, labels and custom field ids. */
  fields: string[];
}

const SYSTEM: Record<string, string> = { summary: 'Summary', description: 'Description', labels: 'Labels' };

export const optionsOf = (spec: SiteFieldSpec | undefined): { id: string; value: string }[] | null =>
  spec?.options ? spec.options.map((value, i) => ({ id: String(10100 + i), value })) : null;

/** Why a select value is refused, or '' when it is one of the field's options (by name, or by id). */
export const optionProblem = (spec: SiteFieldSpec, value: unknown): string => {
  const given = value as { value?: unknown; id?: unknown } | null;
  if (typeof given?.value !== 'string' && typeof given?.id !== 'string') return 'Specify a valid option: { "value": "…" } or { "id": "…" }';
  const options = optionsOf(spec);
  if (!options) return '';
  if (typeof given.id === 'string') return options.some((o) => o.id === given.id) ? '' : `Option id '${given.id}' is not valid`;
  return options.some((o) => o.value === given.value) ? '' : `Option value '${String(given.value)}' is not valid`;
};

const metaField = (id: string, spec: SiteFieldSpec | undefined) => ({
  fieldId: id,
  key: id,
  name: spec?.name ?? SYSTEM[id] ?? id,
  required: id === 'summary',
  schema: {
    type: spec?.kind === 'select' ? 'option' : id === 'labels' ? 'array' : 'string',
    ...(spec ? { custom: `com.atlassian.jira.plugin.system.customfieldtypes:${spec.kind}` } : { system: id }),
  },
  operations: ['set'],
  ...(optionsOf(spec) ? { allowedValues: optionsOf(spec)!.map((o) => ({ self: `http://jira.invalid/rest/api/3/customFieldOption/${o.id}`, id: o.id, value: o.value })) } : {}),
});

/** GET …/issue/createmeta/{project}/issuetypes[/{id}]: Cloud pages `issueTypes` / `fields`, Data Center `values`. */
export const createMeta = (cloud: boolean, issueTypes: string[], fields: Record<string, SiteFieldSpec>, typeId: string | undefined, query: URLSearchParams): FakeReply => {
  // Like the sites, pages hold at most 50 whatever maxResults asks for, so a client must follow the paging.
  const startAt = Number(query.get('startAt') ?? 0);
  const maxResults = Math.min(Number(query.get('maxResults') ?? 50), 50);
  const page = (key: string, list: unknown[]) => {
    const items = list.slice(startAt, startAt + maxResults);
    return {
      status: 200,
      body: { maxResults, startAt, ...(cloud ? { total: list.length, [key]: items } : { values: items, isLast: startAt + items.length >= list.length }) },
    };
  };
  const types = issueTypes.map((name, i) => ({ id: String(10001 + i), name, subtask: false, description: '' }));
  if (typeId === undefined) return page('issueTypes', types);
  if (!types.some((t) => t.id === typeId)) return { status: 404, body: { errorMessages: [`Issue type with id '${typeId}' does not exist or is not in the project`], errors: {} } };
  const ids = ['project', 'issuetype', 'summary', 'description', 'labels', ...Object.keys(fields)];
  return page(
    'fields',
    ids.map((id) => metaField(id, fields[id])),
  );
};

/** GET /rest/servicedeskapi/servicedesk/{sd}/requesttype/{rt}/field. */
export const requestTypeForm = (type: FakeRequestType, fields: Record<string, SiteFieldSpec>): FakeReply => ({
  status: 200,
  body: {
    canRaiseOnBehalfOf: true,
    canAddRequestParticipants: true,
    requestTypeFields: type.fields.map((id) => ({
      fieldId: id,
      name: fields[id]?.name ?? SYSTEM[id] ?? id,
      description: '',
      required: id === 'summary',
      visible: true,
      validValues: (optionsOf(fields[id]) ?? []).map((o) => ({ value: o.id, label: o.value, children: [] })),
      jiraSchema: { type: fields[id]?.kind === 'select' ? 'option' : 'string' },
    })),
  },
});

/** Problems of a create-request body against the request type (Service Management's `errorMessage` text). */
export const requestProblems = (type: FakeRequestType | undefined, body: unknown): string | null => {
  const request = body as { serviceDeskId?: unknown; requestTypeId?: unknown; requestFieldValues?: unknown } | null;
  if (!type || request?.serviceDeskId !== type.serviceDeskId) return 'The service desk does not exist or you do not have access to it.';
  if (request.requestTypeId !== type.id) return `The request type ${String(request.requestTypeId)} does not exist in this service desk.`;
  const values = request.requestFieldValues;
  if (typeof values !== 'object' || values === null) return 'requestFieldValues is required.';
  const off = Object.keys(values).filter((id) => !type.fields.includes(id));
  if (off.length) return `These fields are not on the form of this request type: ${off.join(', ')}.`;
  const description = (values as Record<string, unknown>).description;
  if (description !== undefined && typeof description !== 'string') return 'description must be a string (send isAdfRequest: true for ADF).';
  return null;
};
