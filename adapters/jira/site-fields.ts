import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { JiraClient } from './client.ts';
import type { SiteField } from './field-options.ts';
import { CreateMetaFields, CreateMetaIssueTypes, RequestTypeFields } from './schema.ts';

/** What we ask for per page; a site may answer with fewer (Cloud pages createmeta at 50 by default). */
const PAGE = 200;
/** A create screen with more fields than this is not a screen anyone fills in; stop rather than loop on a site that misreports paging. */
const MAX_PAGES = 50;

type MetaPage<T> = { startAt?: number | undefined; total?: number | undefined; isLast?: boolean | undefined; items: T[] };

/** Reads every page of a createmeta list: Cloud says `total`, Data Center says `isLast`. */
const allPages = async <T>(read: (startAt: number) => Promise<MetaPage<T>>): Promise<T[]> => {
  const items: T[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await read(items.length);
    items.push(...answer.items);
    const done = answer.items.length === 0 || answer.isLast === true || (answer.total !== undefined ? items.length >= answer.total : answer.isLast === undefined);
    if (done) break;
  }
  return items;
};

/**
 * The fields a create may set, as the site offers them: the project's create screen for the issue
 * type (createmeta, Cloud and Data Center 8.4+), or the request type's form in request mode.
 * Answers where they came from too, for messages.
 */
export const readSiteFields = async (jira: JiraClient, config: JiraConfig): Promise<{ where: string; fields: SiteField[] }> => {
  if (config.mode === 'request') {
    const where = `request type ${config.requestTypeId} of service desk ${config.serviceDeskId}`;
    const form = await jira.call(RequestTypeFields, `reading the fields of ${where}`, {
      method: 'GET',
      url: `/rest/servicedeskapi/servicedesk/${config.serviceDeskId}/requesttype/${config.requestTypeId}/field`,
    });
    const fields = form.requestTypeFields.map((f) => ({
      id: f.fieldId,
      name: f.name,
      required: f.required,
      options: f.validValues.length ? f.validValues.map((v) => ({ id: v.value, name: v.label })) : null,
    }));
    return { where, fields };
  }
  const project = config.projectKey;
  const list = await allPages(async (startAt) => {
    const page = await jira.call(CreateMetaIssueTypes, `reading the issue types of ${project}`, {
      method: 'GET',
      url: `${jira.api}/issue/createmeta/${project}/issuetypes`,
      params: { startAt, maxResults: PAGE },
    });
    return { ...page, items: page.issueTypes ?? page.values ?? [] };
  });
  const type = list.find((t) => t.name.toLowerCase() === config.issueType.toLowerCase());
  if (!type) {
    throw new TicketingError(
      'rejected',
      'jira',
      `itsm.jira.issueType: project ${project} has no issue type "${config.issueType}"; it offers ${list.map((t) => `"${t.name}"`).join(', ') || 'none to this account'}`,
    );
  }
  const where = `the create screen of ${project} / ${type.name}`;
  const screen = await allPages(async (startAt) => {
    const page = await jira.call(CreateMetaFields, `reading ${where}`, {
      method: 'GET',
      url: `${jira.api}/issue/createmeta/${project}/issuetypes/${type.id}`,
      params: { startAt, maxResults: PAGE },
    });
    return { ...page, items: page.fields ?? page.values ?? [] };
  });
  const fields = screen.map((f) => ({
    id: f.fieldId,
    name: f.name,
    required: f.required,
    options: f.allowedValues ? f.allowedValues.map((v) => ({ id: v.id, name: v.value ?? v.name ?? v.id })) : null,
  }));
  return { where, fields };
};
