/**
 * `kizuna routes list` and `kizuna routes qr <routeId> --svg|--png [--out file]`: a route's QR code
 * encodes its public link (`/r/<routeId>`), which the API knows from its LINE Login settings.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { apiClientFromEnv, runCommand } from './api-client.js';

interface RouteView {
  routeId: string;
  name: string;
  store?: string;
  channel?: string;
  url: string | null;
}

/** The QR code of `link` as SVG text or PNG bytes. */
export async function drawQr(link: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  if (format === 'svg') return QRCode.toString(link, { type: 'svg', margin: 2 });
  return QRCode.toBuffer(link, { type: 'png', margin: 2, width: 600 });
}

export function registerRoutes(program: Command): void {
  const routes = program.command('routes').description('friend-add routes (through the API)');
  routes
    .command('list')
    .description('every route with its link')
    .action(() =>
      runCommand(async () => {
        const { body } = await apiClientFromEnv().call<{ routes: RouteView[] }>('GET', '/v1/routes');
        for (const r of body.routes) {
          const labels = [r.store, r.channel].filter(Boolean).join(', ');
          console.log(
            `${r.routeId}\t${r.name}${labels ? ` (${labels})` : ''}\t${r.url ?? '(no link: LINE Login not configured)'}`,
          );
        }
      }),
    );
  routes
    .command('qr')
    .description("draw a route's QR code (SVG or PNG) to a file or standard output")
    .argument('<routeId>', 'the route id')
    .option('--svg', 'SVG (the default)')
    .option('--png', 'PNG, 600 pixels wide')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((routeId: string, options: { svg?: boolean; png?: boolean; out?: string }) =>
      runCommand(async () => {
        if (options.svg && options.png) throw new Error('choose one of --svg and --png');
        const { body } = await apiClientFromEnv().call<RouteView>('GET', `/v1/routes/${encodeURIComponent(routeId)}`);
        if (!body.url) throw new Error(`route ${routeId} has no link: the API has no LINE Login settings`);
        const drawn = await drawQr(body.url, options.png ? 'png' : 'svg');
        if (options.out) {
          writeFileSync(options.out, drawn);
          console.error(`${options.out}: QR code of ${body.url}`);
        } else process.stdout.write(drawn);
      }),
    );
}
