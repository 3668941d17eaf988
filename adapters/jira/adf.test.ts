import { describe, expect, it } from 'vitest';
import { adfDocument, adfPlainText, adfText } from './adf.ts';

describe('ADF rendering', () => {
  it('renders blocks as ADF nodes', () => {
    expect(
      adfDocument([
        { kind: 'heading', text: 'Hosts' },
        { kind: 'paragraph', text: 'line one\n\nline three' },
        { kind: 'list', ordered: true, items: ['a'] },
        { kind: 'list', ordered: false, items: [] },
        { kind: 'code', text: 'uname -a' },
      ]),
    ).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Hosts' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'line one' }, { type: 'hardBreak' }, { type: 'hardBreak' }, { type: 'text', text: 'line three' }] },
        { type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: '(none)' }] },
        { type: 'codeBlock', content: [{ type: 'text', text: 'uname -a' }] },
      ],
    });
  });

  it('never emits an empty text node', () => {
    expect(adfText('one\n\n\n\ntwo\n[patchbot event e]')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'one' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'two' }, { type: 'hardBreak' }, { type: 'text', text: '[patchbot event e]' }] },
      ],
    });
    expect(adfDocument([{ kind: 'paragraph', text: '' }]).content).toEqual([{ type: 'paragraph', content: [] }]);
  });

  it('reads the text back', () => {
    expect(adfPlainText(adfText('one\n\ntwo\nthree'))).toBe('one\ntwo\nthree');
    expect(adfPlainText(null)).toBe('');
  });
});
