import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageInfo, loadRichMenu } from '../../../definitions/richmenus.js';
import { projectRoot } from '../../../scripts/servers.js';

const examples = join(projectRoot, 'definitions', 'richmenus');
const dir = mkdtempSync(join(tmpdir(), 'kizuna-richmenus-'));
copyFileSync(join(examples, 'members.png'), join(dir, 'wide.png'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `name: test
chatBarText: メニュー
size: { width: 2500, height: 843 }
selected: false
image: wide.png
areas:
  - bounds: { x: 0, y: 0, width: 2500, height: 843 }
    action: { type: uri, uri: 'https://shop.example.jp/' }
`;

function load(source: string, name = 'menu') {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, source);
  const result = loadRichMenu(file);
  return result.ok
    ? []
    : result.errors.map((e) => ({ code: e.code, line: e.line, col: e.col, path: e.path.join('.') }));
}

describe('rich menu definitions', () => {
  it('accepts the example menus with their images', () => {
    for (const id of ['members', 'newcomers']) {
      const result = loadRichMenu(join(examples, `${id}.yaml`));
      expect(result.errors).toEqual([]);
      expect(result.ok && result.menu).toMatchObject({ id, image: { contentType: 'image/png' } });
    }
  });

  it('accepts a valid menu and leaves `image` out of the LINE request', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, VALID);
    const result = loadRichMenu(file);
    expect(result.ok && Object.keys(result.menu.request).sort()).toEqual(
      ['areas', 'chatBarText', 'name', 'selected', 'size'].sort(),
    );
  });

  const INVALID: Array<[string, string, { code: string; line: number; path: string }]> = [
    [
      'a chat bar text over 14',
      VALID.replace('メニュー', 'とても長いチャットバーのテキストです'),
      { code: 'LINE_TOO_LONG', line: 2, path: 'chatBarText' },
    ],
    [
      'a width over 2500',
      VALID.replace('width: 2500, height', 'width: 3000, height'),
      { code: 'LINE_BAD_VALUE', line: 3, path: 'size.width' },
    ],
    [
      'a menu too tall for its width',
      VALID.replace('height: 843 }\nselected', 'height: 1800 }\nselected'),
      { code: 'LINE_BAD_VALUE', line: 3, path: 'size' },
    ],
    [
      'an area outside the menu',
      VALID.replace('x: 0, y: 0, width: 2500', 'x: 100, y: 0, width: 2500'),
      { code: 'LINE_BAD_VALUE', line: 7, path: 'areas.0.bounds' },
    ],
    [
      'a camera action (quick replies only)',
      VALID.replace("{ type: uri, uri: 'https://shop.example.jp/' }", '{ type: camera, label: cam }'),
      { code: 'LINE_NOT_ALLOWED_HERE', line: 8, path: 'areas.0.action.type' },
    ],
    [
      'an area without action',
      VALID.replace(/\n {4}action: .*\n/, '\n'),
      { code: 'LINE_MISSING_PROPERTY', line: 7, path: 'areas.0.action' },
    ],
    [
      'an image of another size',
      VALID.replace('height: 843 }\nselected', 'height: 1686 }\nselected'),
      { code: 'LINE_BAD_VALUE', line: 5, path: 'image' },
    ],
    ['a missing image file', VALID.replace('wide.png', 'none.png'), { code: 'LINE_BAD_VALUE', line: 5, path: 'image' }],
    [
      'no image at all',
      VALID.replace('image: wide.png\n', ''),
      { code: 'LINE_MISSING_PROPERTY', line: 1, path: 'image' },
    ],
  ];
  for (const [what, source, expected] of INVALID) {
    it(`refuses ${what}, at its line`, () => {
      expect(load(source)).toContainEqual(expect.objectContaining(expected));
    });
  }

  it('refuses a file name that cannot be a LINE alias', () => {
    expect(load(VALID, 'Members Menu')).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', line: 1 }));
  });

  it('reads PNG and JPEG dimensions, and refuses other bytes', () => {
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0x03, 0x4b, 0x09, 0xc4, 3, 0, 0, 0, 0, 0,
    ]);
    expect(imageInfo(jpeg)).toEqual({ contentType: 'image/jpeg', width: 2500, height: 843 });
    expect(imageInfo(Buffer.from('GIF89a....'))).toBeNull();
  });
});
