/** `kizuna compile <file>`: the plan of one journey, as JSON. */
import type { Command } from 'commander';
import { DEFINITIONS_OPTION_HELP, JourneyCompiler, formatProblems, withPathErrors } from './journey-files.js';

/** Registers `compile` on the program. */
export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('compile a journey and print its plan as JSON')
    .argument('<file>', 'a journey file')
    .option('--definitions <dir>', DEFINITIONS_OPTION_HELP)
    .action((file: string, options: { definitions?: string }) =>
      withPathErrors('compile', () => {
        const result = new JourneyCompiler(options.definitions).compileFile(file);
        if (result.warnings.length > 0) console.error(formatProblems(result.warnings));
        if (!result.ok) {
          console.error(formatProblems(result.errors));
          process.exitCode = 1;
          return;
        }
        console.log(JSON.stringify(result.plan, null, 2));
      }),
    );
}
