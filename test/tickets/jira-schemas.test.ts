import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfDocument } from '../../adapters/jira/adf.ts';
import { draftDocument } from '../../src/tickets/ticket-doc.ts';
import { type FakeJira, startFakeJira } from '../support/fake-jira.ts';
import { schemaProblems } from '../support/fakes/json-schema.ts';
import { draft } from './drafts.ts';
import { adf, openapi } from './jira-schemas.ts';

/** The checker and the vendored schemas must be able to say no, or the fake's validation proves nothing. */
describe('vendored Jira schemas', () => {
  it('accepts what patchbot renders and refuses near misses', () => {
    expect(schemaProblems(adf, adfDocument(draftDocument(draft(), true)))).toEqual([]);
    expect(schemaProblems(adf, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] })).toEqual([
      '.content[0]: matches none of the 6 allowed shapes (type "paragraph")',
    ]);
    expect(schemaProblems(adf, { type: 'doc', version: 2, content: [] })).toEqual(['.version: expected one of [1], got 2']);
    expect(schemaProblems(adf, { type: 'doc', version: 1, content: [{ type: 'bulletList', content: [] }] })).toHaveLength(1);
    expect(schemaProblems(adf, 'plain text')).toEqual(['(root): expected object, got string']);
  });

  it('checks request bodies against the OpenAPI components', () => {
    const ref = '#/components/schemas/IssueUpdateDetails';
    expect(schemaProblems(openapi, { transition: { id: '31' } }, { ref, request: true })).toEqual([]);
    expect(schemaProblems(openapi, { transition: { id: 31 } }, { ref, request: true })).toEqual(['.transition.id: expected string, got integer']);
    expect(schemaProblems(openapi, { transition: { id: '31', name: 'Implement' } }, { ref, request: true })).toEqual(['.transition: "name" is read-only and must not be sent']);
    expect(schemaProblems(openapi, { update: { comment: [{ add: {}, append: {} }] } }, { ref, request: true })).toEqual(['.update.comment[0]: unexpected property "append"']);
    expect(schemaProblems(openapi, { fields: [] }, { ref })).toEqual(['.fields: expected object, got array']);
  });
});

describe('the Jira fake validates what it receives', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira();
  });
  afterAll(() => jira.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${jira.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('patchbot@example.com:jira-api-token').toString('base64')}` },
      body: JSON.stringify(body),
    });

  it('answers 400 with an ErrorCollection to a comment that is not ADF, and records the violation', async () => {
    const created = await post('/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'x' } });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const res = await post(`/rest/api/3/issue/${key}/comment`, { body: 'wiki text on a v3 endpoint' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errorMessages: string[] };
    expect(body.errorMessages[0]).toBe('not a valid Atlassian Document: (root): expected object, got string');
    expect(jira.violations).toEqual(body.errorMessages);
  });
});
