import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { JiraClient } from './client.ts';
import type { SiteField } from './field-options.ts';
import { CreateMetaFields, CreateMetaIssueTypes, RequestTypeFields } from './schema.ts';

/** Enough for any create screen; createmeta pages at 50 by default. */
const PAGE = 200;

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
  const types = await jira.call(CreateMetaIssueTypes, `reading the issue types of ${project}`, {
    method: 'GET',
    url: `${jira.api}/issue/createmeta/${project}/issuetypes`,
    params: { maxResults: PAGE },
  });
  const list = types.issueTypes ?? types.values ?? [];
  const type = list.find((t) => t.name.toLowerCase() === config.issueType.toLowerCase());
  if (!type) {
    throw new TicketingError(
      'rejected',
      'jira',
      `itsm.jira.issueType: project ${project} has no issue type "${config.issueType}"; it offers ${list.map((t) => `"${t.name}"`).join(', ') || 'none to this account'}`,
    );
  }
  const where = `the create screen of ${project} / ${type.name}`;
  const meta = await jira.call(CreateMetaFields, `reading ${where}`, {
    method: 'GET',
    url: `${jira.api}/issue/createmeta/${project}/issuetypes/${type.id}`,
    params: { maxResults: PAGE },
  });
  const fields = (meta.fields ?? meta.values ?? []).map((f) => ({
    id: f.fieldId,
    name: f.name,
    required: f.required,
    options: f.allowedValues ? f.allowedValues.map((v) => ({ id: v.id, name: v.value ?? v.name ?? v.id })) : null,
  }));
  return { where, fields };
};
