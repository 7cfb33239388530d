/** `kizuna graph <file> [--svg out.svg]`: a journey as a Mermaid flowchart, or an SVG picture. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { toDot, toMermaid } from '../definitions/graph.js';
import type { Plan } from '../definitions/plan.js';
import { DEFINITIONS_OPTION_HELP, JourneyCompiler, formatProblems, withPathErrors } from './journey-files.js';

/** Renders the plan to SVG with Graphviz compiled to WebAssembly (no browser needed). */
export async function renderSvg(plan: Plan): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(toDot(plan), 'svg');
}

/** Registers `graph` on the program. */
export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('draw a journey: Mermaid text on stdout, or an SVG file with --svg')
    .argument('<file>', 'a journey file')
    .option('--definitions <dir>', DEFINITIONS_OPTION_HELP)
    .option('--svg <out>', 'write an SVG picture to this file')
    .option('--dot', 'print Graphviz DOT instead of Mermaid')
    .action((file: string, options: { svg?: string; dot?: boolean; definitions?: string }) =>
      withPathErrors('graph', async () => {
        const result = new JourneyCompiler(options.definitions).compileFile(file);
        if (!result.ok) {
          console.error(formatProblems(result.errors));
          process.exitCode = 1;
          return;
        }
        if (options.svg !== undefined) {
          writeFileSync(options.svg, await renderSvg(result.plan));
          console.error(`wrote ${options.svg}`);
          return;
        }
        process.stdout.write(options.dot === true ? toDot(result.plan) : toMermaid(result.plan));
      }),
    );
}
