/**
 * Rich menu definitions: `definitions/richmenus/<id>.yaml`, a LINE `RichMenuRequest` (size, selected,
 * name, chatBarText, areas with bounds and actions) plus `image:`, the JPEG or PNG file beside it. The
 * file name is the menu's id and its alias at LINE (`^[a-z0-9_-]{1,32}$`). Checked against LINE's
 * documented limits: width 800–2500, height at least 250, width / height at least 1.45, at most 20
 * areas inside the menu, the actions a rich menu may carry, an image of that exact size, at most 1 MB.
 * Every problem is collected with its file, line and column.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ProblemSink, type DefinitionError } from './errors.js';
import { actionRule } from './line-messages-actions.js';
import { LineIssues, r, type ObjectSpec, type Rule } from './line-messages-rules.js';
import { checkObject } from './line-messages-walk.js';
import { loadYaml } from './load-yaml.js';

/** A checked rich menu, ready to publish. */
export interface RichMenuDefinition {
  id: string;
  /** The `RichMenuRequest` body. */
  request: {
    size: { width: number; height: number };
    selected: boolean;
    name: string;
    chatBarText: string;
    areas: unknown[];
  };
  image: { file: string; contentType: 'image/png' | 'image/jpeg'; bytes: Buffer };
}

export type RichMenuResult =
  { ok: true; menu: RichMenuDefinition; errors: [] } | { ok: false; errors: DefinitionError[] };

const MENU_ID = /^[a-z0-9_-]{1,32}$/;
/** A rich menu definition's path: a YAML file in a `richmenus/` folder. */
export const RICH_MENU_FILE = /(?:^|[\\/])richmenus[\\/][^\\/]+\.ya?ml$/;
const MAX_IMAGE_BYTES = 1024 * 1024;
/** Actions LINE takes in a rich menu area (camera, camera roll and location are quick-reply only). */
const RICH_MENU_ACTIONS = ['postback', 'message', 'uri', 'datetimepicker', 'richmenuswitch', 'clipboard'];

const base = actionRule('defaultAction');
const menuAction: Rule = { ...base, allowed: RICH_MENU_ACTIONS, where: 'in a rich menu' } as Rule;

/** What a rich menu file holds, as the checks and the JSON Schema (`richmenu.schema.json`) read it. */
export const RICH_MENU_SPEC: ObjectSpec = {
  name: 'a rich menu',
  required: ['size', 'selected', 'name', 'chatBarText', 'areas', 'image'],
  props: {
    size: r.object(() => ({
      name: 'a rich menu size',
      required: ['width', 'height'],
      props: { width: r.int(800, 2500), height: r.int(250) },
    })),
    selected: r.bool,
    name: r.text(300, { nonEmpty: true }),
    chatBarText: r.text(14, { nonEmpty: true }),
    image: r.text(200, { nonEmpty: true }),
    areas: r.list(
      r.object(() => ({
        name: 'a rich menu area',
        required: ['bounds', 'action'],
        props: {
          bounds: r.object(() => ({
            name: 'area bounds',
            required: ['x', 'y', 'width', 'height'],
            props: { x: r.int(0), y: r.int(0), width: r.int(1), height: r.int(1) },
          })),
          action: menuAction,
        },
      })),
      'area',
      { max: 20, code: 'LINE_TOO_MANY_ITEMS' },
    ),
  },
  check: checkGeometry,
};

function checkGeometry(menu: Record<string, unknown>, path: readonly (string | number)[], out: LineIssues) {
  const size = menu.size as { width?: unknown; height?: unknown } | undefined;
  const [w, h] = [size?.width, size?.height];
  if (typeof w !== 'number' || typeof h !== 'number') return;
  if (w / h < 1.45)
    out.add('LINE_BAD_VALUE', `width / height is ${(w / h).toFixed(2)}; LINE needs at least 1.45`, [...path, 'size']);
  const areas = Array.isArray(menu.areas) ? menu.areas : [];
  areas.forEach((area: { bounds?: Record<string, unknown> } | null, i) => {
    const b = area?.bounds;
    if (![b?.x, b?.y, b?.width, b?.height].every((n) => typeof n === 'number')) return;
    const { x, y, width, height } = b as Record<string, number>;
    if (x! + width! > w || y! + height! > h) {
      const message = `area ${i + 1} reaches ${x! + width!}×${y! + height!}, outside the ${w}×${h} menu`;
      out.add('LINE_BAD_VALUE', message, [...path, 'areas', i, 'bounds']);
    }
  });
}

/** Width and height of a PNG or JPEG, and its type; null when the bytes are neither. */
export function imageInfo(
  bytes: Buffer,
): { contentType: 'image/png' | 'image/jpeg'; width: number; height: number } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('ascii', 12, 16) === 'IHDR') {
    return { contentType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  // JPEG: walk the segments to the first start-of-frame marker, which holds the dimensions.
  let at = 2;
  while (at + 9 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { contentType: 'image/jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

/** Reads and checks the image a menu names; problems go to `fail`. */
function readImage(file: string, size: { width: number; height: number }, fail: (message: string) => void) {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_IMAGE_BYTES) return fail(`${basename(file)} is over 1 MB; LINE takes at most 1 MB`);
    bytes = readFileSync(file);
  } catch {
    return fail(`no image file ${basename(file)} beside the menu`);
  }
  const info = imageInfo(bytes);
  if (!info) return fail(`${basename(file)} is neither a PNG nor a JPEG image`);
  if (info.width !== size.width || info.height !== size.height) {
    return fail(`${basename(file)} is ${info.width}×${info.height}; the menu's size is ${size.width}×${size.height}`);
  }
  return { file, contentType: info.contentType, bytes };
}

/** Loads and checks `definitions/richmenus/<id>.yaml` and its image. */
export function loadRichMenu(file: string): RichMenuResult {
  const sink = new ProblemSink(file);
  const { value, positions, failed } = loadYaml(readFileSync(file, 'utf8'), sink);
  const id = basename(file).replace(/\.ya?ml$/, '');
  if (!MENU_ID.test(id)) {
    sink.add(
      'INVALID_VALUE',
      `the file name "${id}" is the menu's alias: lower-case letters, digits, - and _, at most 32`,
      { line: 1, col: 1 },
      [],
    );
  }
  if (failed) return { ok: false, errors: sink.errors };
  const issues = new LineIssues();
  checkObject(value, RICH_MENU_SPEC, [], issues);
  for (const issue of issues.list) {
    const at = issue.at === 'key' ? positions.keyAt(issue.path) : positions.valueAt(issue.path);
    sink.add(issue.code, issue.message, at, issue.path, { severity: issue.severity, suggestion: issue.suggestion });
  }
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors };
  const request = value as RichMenuDefinition['request'] & { image: string };
  const { image: imageName, ...body } = request;
  const image = readImage(join(dirname(file), imageName), request.size, (message) =>
    sink.add('LINE_BAD_VALUE', message, positions.valueAt(['image']), ['image']),
  );
  if (!image) return { ok: false, errors: sink.errors };
  return { ok: true, menu: { id, request: body, image }, errors: [] };
}
