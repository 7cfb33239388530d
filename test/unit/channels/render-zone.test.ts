import { describe, expect, it } from 'vitest';
import { parseTemplate, renderEmail, renderLine } from '../../../channels/render.js';

const EMAIL = `subject: 'ご予約 {{ event.startsAt | date: "%m月%d日 %H:%M" }}'
html: '<p>{{ event.startsAt | date: "%Y年%m月%d日 %H:%M" }} {{ links.unsubscribe }}</p>'
`;
const LINE = `messages:
  - type: text
    text: '{{ event.startsAt | date: "%m/%d %H:%M" }}'
`;

function scope(timezone?: string) {
  return {
    profile: timezone === undefined ? {} : { timezone },
    // 2026-12-14 08:59 in Tokyo, 2026-12-13 18:59 in New York.
    event: { startsAt: '2026-12-13T23:59:00Z' },
    journey: { id: 'j', version: 1, stepId: 's' },
    links: { unsubscribe: 'https://shop.example.jp/u/t' },
  };
}

describe('dates in templates', () => {
  it('render in the customer’s zone, whatever the server’s zone', async () => {
    const email = parseTemplate('email', 'e.yaml', EMAIL);
    expect((await renderEmail(email, scope('Asia/Tokyo'))).subject).toBe('ご予約 12月14日 08:59');
    expect((await renderEmail(email, scope('America/New_York'))).subject).toBe('ご予約 12月13日 18:59');
    const line = parseTemplate('line', 'l.yaml', LINE);
    expect(await renderLine(line, scope('America/New_York'))).toEqual([{ type: 'text', text: '12/13 18:59' }]);
  });

  it('render in Asia/Tokyo when the profile has no zone or one that is not IANA', async () => {
    const email = parseTemplate('email', 'e.yaml', EMAIL);
    expect((await renderEmail(email, scope())).html).toContain('2026年12月14日 08:59');
    expect((await renderEmail(email, scope('Tokyo'))).subject).toBe('ご予約 12月14日 08:59');
  });
});
