import { describe, expect, it } from 'vitest';
import { escapeWiki, unescapeWiki, wikiDocument } from './wiki.ts';

describe('wiki markup rendering', () => {
  it('escapes what Jira would read as markup', () => {
    expect(escapeWiki('apt-get -y --only-upgrade {{pkg}} [link] a|b *x* _y_ #1 !img!')).toBe(
      'apt\\-get \\-y \\-\\-only\\-upgrade \\{\\{pkg\\}\\} \\[link\\] a\\|b \\*x\\* \\_y\\_ \\#1 \\!img\\!',
    );
  });

  it('round-trips through unescape', () => {
    const text = "dpkg-query -W -f '${Package}=${Version}\\n' [patchbot event ev-3]";
    expect(unescapeWiki(escapeWiki(text))).toBe(text);
  });

  it('renders blocks', () => {
    expect(
      wikiDocument([
        { kind: 'heading', text: 'Backout plan' },
        { kind: 'list', ordered: true, items: ['rollback-web', 'reboot'] },
        { kind: 'list', ordered: false, items: ['web-01'] },
        { kind: 'code', text: 'cat {noformat}' },
      ]),
    ).toBe('h3. Backout plan\n\n# rollback\\-web\n# reboot\n\n* web\\-01\n\n{noformat}\ncat { noformat}\n{noformat}');
  });
});
