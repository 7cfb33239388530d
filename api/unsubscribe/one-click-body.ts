/**
 * The RFC 8058 one-click body, `List-Unsubscribe=One-Click`, as `application/x-www-form-urlencoded`
 * or as `multipart/form-data` (RFC 8058 §3.1: the POST SHOULD be multipart). The multipart reader is
 * small and strict on purpose: it only has to find one short text field in a body of at most
 * {@link MAX_ONE_CLICK_BYTES}, so anything unusual (no closing boundary, too many parts, a file part)
 * reads as "no one-click field" rather than being guessed at.
 */

/** Largest body read, in bytes (the field itself is 33). */
export const MAX_ONE_CLICK_BYTES = 2_048;
/** Most parts a multipart body may have. */
const MAX_PARTS = 10;

/** RFC 2046: 1–70 characters, quoted or a token. */
const BOUNDARY =
  /;\s*boundary=(?:"([0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?])"|([0-9A-Za-z'()+_\-./:=?]{1,70}))\s*(?:;|$)/i;

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = BOUNDARY.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * The text fields of a multipart/form-data body, by name; null when the body is not well formed
 * (no closing delimiter, a part without headers or a name, more than 10 parts, a file part).
 */
export function readMultipartFields(body: Buffer, boundary: string): Map<string, string> | null {
  if (body.length > MAX_ONE_CLICK_BYTES) return null;
  // latin1 keeps every byte as one character, so lengths and positions stay exact.
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const pieces = text.split(delimiter);
  const closing = pieces.pop();
  // Before the first delimiter: the preamble; after the last one: `--` and the epilogue.
  if (pieces.length < 2 || closing === undefined || !closing.startsWith('--')) return null;
  const parts = pieces.slice(1);
  if (parts.length > MAX_PARTS) return null;
  const fields = new Map<string, string>();
  for (const part of parts) {
    const field = readPart(part);
    if (!field) return null;
    fields.set(field.name, field.value);
  }
  return fields;
}

function readPart(part: string): { name: string; value: string } | null {
  const match = /^\r?\n([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n$/.exec(part);
  if (!match) return null;
  const headers = match[1]!.split(/\r?\n/);
  let name: string | null = null;
  for (const header of headers) {
    const [key, ...rest] = header.split(':');
    const value = rest.join(':').trim();
    const lower = key!.trim().toLowerCase();
    if (lower === 'content-disposition') {
      if (!/^form-data\s*;/i.test(value) || /;\s*filename\*?=/i.test(value)) return null;
      name =
        /;\s*name=(?:"([^"]*)"|([^\s;]+))/i
          .exec(value)
          ?.slice(1)
          .find((n) => n !== undefined) ?? null;
    } else if (lower === 'content-type' && !/^text\/plain\s*(;|$)/i.test(value)) return null;
  }
  return name === null ? null : { name, value: Buffer.from(match[2]!, 'latin1').toString('utf8') };
}

/** Whether a parsed body (a urlencoded record, or a multipart Buffer) carries `List-Unsubscribe=One-Click`. */
export function isOneClickBody(body: unknown, contentType: string): boolean {
  if (Buffer.isBuffer(body)) {
    const boundary = multipartBoundary(contentType);
    return boundary !== null && readMultipartFields(body, boundary)?.get('List-Unsubscribe') === 'One-Click';
  }
  return (
    typeof body === 'object' && body !== null && (body as Record<string, unknown>)['List-Unsubscribe'] === 'One-Click'
  );
}
