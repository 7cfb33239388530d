/** A route's QR code for the console, drawn as `GET /v1/routes/:id/qr.svg` draws it. */
import QRCode from 'qrcode';
import { routeLink } from '../../routes/definitions.js';
import { html, raw, type Html } from '../html.js';

/** The route's public link and its QR code (SVG markup), or null when the server knows no public address. */
export async function routeQr(origin: string | null, routeId: string): Promise<{ link: string; svg: string } | null> {
  const link = routeLink(origin, routeId);
  if (link === null) return null;
  return { link, svg: await QRCode.toString(link, { type: 'svg', margin: 2 }) };
}

/**
 * The QR code as an image with its name. The SVG is the `qrcode` package's output for a link this
 * server built (an encoded route id under its own origin): path data only, nothing a request can reach.
 */
export function qrFigure(qr: { svg: string }, label: string, size: 'small' | 'large'): Html {
  return html`<div class="qr qr-${size}" role="img" aria-label="${label}">${raw(qr.svg)}</div>`;
}
