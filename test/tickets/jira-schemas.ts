/**
 * Vendored subsets of published Jira schemas, used by the Jira fake to check every body patchbot
 * sends (test/support/fake-jira.ts).
 *
 * Provenance:
 * - `openapi`: components.schemas IssueUpdateDetails, IssueTransition, FieldUpdateOperation,
 *   EntityProperty, Comment, Visibility and ErrorCollection of the Jira Cloud platform REST API
 *   OpenAPI 3.0.1 document (https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json,
 *   version 1001.0.0-SNAPSHOT, as mirrored by APIs-guru/openapi-directory at
 *   APIs/atlassian.com/jira/1001.0.0-SNAPSHOT/openapi.yaml). Descriptions, examples and the
 *   properties patchbot never sends (historyMetadata, the read-only transition details beyond
 *   those shown) are trimmed; keywords and values are as published.
 * - `adf`: Atlassian Document Format JSON schema (http://go.atlassian.com/adf-json-schema, i.e.
 *   @atlaskit/adf-schema json-schema/v1/full.json, as mirrored in pioug/atlassian-frontend-mirror
 *   at editor/adf-schema/json-schema/v1/full.json), narrowed to the nodes and marks patchbot
 *   writes. Narrowing only drops anyOf branches, so a document valid here is valid under the full
 *   schema. Note `text_node.text` has minLength 1: Jira refuses empty text nodes.
 * Jira Data Center publishes no OpenAPI (HTML/WADL only, reference/integrations.md §4.5); its v2
 * bodies are the same shapes with plain strings for rich text, which the fake checks by hand.
 */
import type { Schema } from '../support/fakes/json-schema.ts';

export const openapi: Schema = {
  components: {
    schemas: {
      IssueUpdateDetails: {
        additionalProperties: true,
        properties: {
          fields: { additionalProperties: {}, type: 'object' },
          properties: { items: { $ref: '#/components/schemas/EntityProperty' }, type: 'array' },
          transition: { allOf: [{ $ref: '#/components/schemas/IssueTransition' }] },
          update: { additionalProperties: { items: { $ref: '#/components/schemas/FieldUpdateOperation' }, type: 'array' }, type: 'object' },
        },
        type: 'object',
      },
      IssueTransition: {
        additionalProperties: true,
        properties: {
          expand: { readOnly: true, type: 'string' },
          hasScreen: { readOnly: true, type: 'boolean' },
          id: { type: 'string' },
          isAvailable: { readOnly: true, type: 'boolean' },
          name: { readOnly: true, type: 'string' },
          to: { readOnly: true },
        },
        type: 'object',
      },
      FieldUpdateOperation: {
        additionalProperties: false,
        properties: { add: {}, edit: {}, remove: {}, set: {} },
        type: 'object',
      },
      EntityProperty: {
        additionalProperties: false,
        properties: { key: { type: 'string' }, value: {} },
        type: 'object',
      },
      Comment: {
        additionalProperties: true,
        properties: {
          author: { readOnly: true },
          body: {},
          created: { format: 'date-time', readOnly: true, type: 'string' },
          id: { readOnly: true, type: 'string' },
          jsdPublic: { readOnly: true, type: 'boolean' },
          properties: { items: { $ref: '#/components/schemas/EntityProperty' }, type: 'array' },
          renderedBody: { readOnly: true, type: 'string' },
          self: { readOnly: true, type: 'string' },
          visibility: { allOf: [{ $ref: '#/components/schemas/Visibility' }] },
        },
        type: 'object',
      },
      Visibility: {
        additionalProperties: true,
        properties: { type: { enum: ['group', 'role'], type: 'string' }, value: { type: 'string' } },
        type: 'object',
      },
      ErrorCollection: {
        additionalProperties: false,
        properties: {
          errorMessages: { items: { type: 'string' }, type: 'array' },
          errors: { additionalProperties: { type: 'string' }, type: 'object' },
          status: { format: 'int32', type: 'integer' },
        },
        type: 'object',
      },
    },
  },
};

const noMarks = { type: 'object', properties: { marks: { type: 'array', maxItems: 0 } }, additionalProperties: true };
const markOf = (name: string) => ({ type: 'object', properties: { type: { enum: [name] } }, required: ['type'], additionalProperties: false });

export const adf: Schema = {
  $ref: '#/definitions/doc_node',
  definitions: {
    text_node: {
      type: 'object',
      properties: { type: { enum: ['text'] }, text: { type: 'string', minLength: 1 }, marks: { type: 'array' } },
      required: ['type', 'text'],
      additionalProperties: false,
    },
    em_mark: markOf('em'),
    strong_mark: markOf('strong'),
    code_mark: markOf('code'),
    hardBreak_node: {
      type: 'object',
      properties: { type: { enum: ['hardBreak'] }, attrs: { type: 'object', properties: { text: { enum: ['\n'] } }, additionalProperties: false } },
      required: ['type'],
      additionalProperties: false,
    },
    formatted_text_inline_node: {
      allOf: [
        { $ref: '#/definitions/text_node' },
        {
          type: 'object',
          properties: { marks: { type: 'array', items: { anyOf: [{ $ref: '#/definitions/em_mark' }, { $ref: '#/definitions/strong_mark' }] } } },
          additionalProperties: true,
        },
      ],
    },
    code_inline_node: {
      allOf: [
        { $ref: '#/definitions/text_node' },
        { type: 'object', properties: { marks: { type: 'array', items: { anyOf: [{ $ref: '#/definitions/code_mark' }] } } }, additionalProperties: true },
      ],
    },
    inline_node: {
      anyOf: [{ $ref: '#/definitions/hardBreak_node' }, { $ref: '#/definitions/formatted_text_inline_node' }, { $ref: '#/definitions/code_inline_node' }],
    },
    paragraph_node: {
      type: 'object',
      properties: { type: { enum: ['paragraph'] }, content: { type: 'array', items: { $ref: '#/definitions/inline_node' } }, marks: { type: 'array' } },
      required: ['type'],
      additionalProperties: false,
    },
    paragraph_with_no_marks_node: { allOf: [{ $ref: '#/definitions/paragraph_node' }, noMarks] },
    heading_node: {
      type: 'object',
      properties: {
        type: { enum: ['heading'] },
        content: { type: 'array', items: { $ref: '#/definitions/inline_node' } },
        marks: { type: 'array' },
        attrs: { type: 'object', properties: { level: { type: 'number', minimum: 1, maximum: 6 } }, required: ['level'], additionalProperties: false },
      },
      required: ['type', 'attrs'],
      additionalProperties: false,
    },
    heading_with_no_marks_node: { allOf: [{ $ref: '#/definitions/heading_node' }, noMarks] },
    codeBlock_node: {
      type: 'object',
      properties: {
        type: { enum: ['codeBlock'] },
        content: { type: 'array', items: { allOf: [{ $ref: '#/definitions/text_node' }, noMarks] } },
        marks: { type: 'array' },
        attrs: { type: 'object', properties: { language: { type: 'string' } }, additionalProperties: false },
      },
      required: ['type'],
      additionalProperties: false,
    },
    codeBlock_with_no_marks_node: { allOf: [{ $ref: '#/definitions/codeBlock_node' }, noMarks] },
    listItem_node: {
      type: 'object',
      properties: {
        type: { enum: ['listItem'] },
        content: {
          type: 'array',
          items: [
            { anyOf: [{ $ref: '#/definitions/codeBlock_with_no_marks_node' }, { $ref: '#/definitions/paragraph_with_no_marks_node' }] },
            {
              anyOf: [
                { $ref: '#/definitions/codeBlock_with_no_marks_node' },
                { $ref: '#/definitions/paragraph_with_no_marks_node' },
                { $ref: '#/definitions/bulletList_node' },
                { $ref: '#/definitions/orderedList_node' },
              ],
            },
          ],
          minItems: 1,
        },
      },
      required: ['type', 'content'],
      additionalProperties: false,
    },
    bulletList_node: {
      type: 'object',
      properties: { type: { enum: ['bulletList'] }, content: { type: 'array', items: { $ref: '#/definitions/listItem_node' }, minItems: 1 } },
      required: ['type', 'content'],
      additionalProperties: false,
    },
    orderedList_node: {
      type: 'object',
      properties: {
        type: { enum: ['orderedList'] },
        content: { type: 'array', items: { $ref: '#/definitions/listItem_node' }, minItems: 1 },
        attrs: { type: 'object', properties: { order: { type: 'number', minimum: 1 } }, required: ['order'], additionalProperties: false },
      },
      required: ['type', 'content'],
      additionalProperties: false,
    },
    rule_node: { type: 'object', properties: { type: { enum: ['rule'] } }, required: ['type'], additionalProperties: false },
    doc_node: {
      type: 'object',
      properties: {
        version: { enum: [1] },
        type: { enum: ['doc'] },
        content: {
          type: 'array',
          items: {
            anyOf: [
              { $ref: '#/definitions/codeBlock_with_no_marks_node' },
              { $ref: '#/definitions/paragraph_with_no_marks_node' },
              { $ref: '#/definitions/bulletList_node' },
              { $ref: '#/definitions/orderedList_node' },
              { $ref: '#/definitions/heading_with_no_marks_node' },
              { $ref: '#/definitions/rule_node' },
            ],
          },
        },
      },
      required: ['version', 'type', 'content'],
      additionalProperties: false,
    },
  },
};
