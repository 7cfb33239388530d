/**
 * `kizuna simulate`: a dry run of a journey for one customer (`--profile`), or a backtest over a
 * recorded population (`--customers`). The engine runs on a virtual clock; nothing is sent.
 */
import type { Command } from 'commander';
import { findDefinitionsRoot, loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { parseDuration } from '../definitions/durations.js';
import type { Plan } from '../definitions/plan.js';
import { backtest } from '../engine/simulator/backtest.js';
import { type DryRun, defaultStart, dryRun } from '../engine/simulator/dry-run.js';
import { CliPathError, DEFINITIONS_OPTION_HELP, checkDefinitionsOption, formatProblems } from './journey-files.js';
import { formatFunnel, formatTimeline, progressBar } from './simulate-format.js';
import {
  SimulateInputError,
  earliestTime,
  groupEvents,
  parseIsoTime,
  readCustomers,
  readEvents,
  readProfile,
  readText,
} from './simulate-input.js';

export interface SimulateOptions {
  profile?: string;
  customers?: string;
  events?: string;
  start?: string;
  until: string;
  json?: boolean;
  progress?: boolean;
  definitions?: string;
}

/** Where the command writes; tests pass their own. The command never reads the clock: same inputs, same output. */
export interface SimulateIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bar). */
  errIsTty: boolean;
}

/** Registers `simulate` on the program. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('dry-run a journey for one profile, or backtest it over a population of customers')
    .argument('<journey>', 'a journey file (definitions/journeys/*.yaml)')
    .option('--profile <file>', 'one customer profile (JSON)')
    .option('--customers <file>', 'a population of profiles (JSON Lines, one { id, ... } a line): backtest')
    .option('--events <file>', 'events (JSON Lines: { id, customerId, type, time, properties })')
    .option(
      '--start <time>',
      'when the simulation starts (ISO 8601 with its offset); default: the first entry event (dry run) or the ' +
        'first event (backtest); required for segment and API journeys in a dry run, which no event starts',
    )
    .option('--until <duration>', 'how long to simulate (45m, 3d, 2w, P90D)', '90d')
    .option('--json', 'print JSON instead of text')
    .option('--progress', 'draw a progress bar on stderr even when it is not a terminal')
    .option('--definitions <dir>', DEFINITIONS_OPTION_HELP)
    .action((journey: string, options: SimulateOptions) => {
      const io: SimulateIo = {
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(text),
        errIsTty: process.stderr.isTTY === true,
      };
      process.exitCode = runSimulate(journey, options, io);
    });
}

/** Runs the command; returns the exit code (0 ok, 1 invalid journey or input). */
export function runSimulate(journeyFile: string, options: SimulateOptions, io: SimulateIo): number {
  try {
    checkDefinitionsOption(options.definitions);
    const compiled = compile(journeyFile, options.definitions, io);
    if (compiled === null) return 1;
    const { plan, dateFields } = compiled;
    const until = parseDuration(options.until);
    if (!until.ok) throw new SimulateInputError(`--until: "${options.until}" is not a duration (45m, 3d, 2w, P90D)`);
    const startMs = options.start === undefined ? null : parseIsoTime(options.start);
    if (options.start !== undefined && startMs === null) {
      const example = '2026-11-02T10:00:00+09:00';
      throw new SimulateInputError(
        `--start: "${options.start}" is not an ISO 8601 time with its offset, such as ${example}`,
      );
    }
    if ((options.profile === undefined) === (options.customers === undefined)) {
      throw new SimulateInputError('give either --profile (a dry run) or --customers with --events (a backtest)');
    }
    if (options.profile !== undefined)
      return simulateProfile(plan, options.profile, { ...options, startMs, durationMs: until.ms, dateFields }, io);
    return simulatePopulation(
      plan,
      options.customers ?? '',
      { ...options, startMs, durationMs: until.ms, dateFields },
      io,
    );
  } catch (error) {
    if (!(error instanceof SimulateInputError) && !(error instanceof CliPathError) && !isFileError(error)) throw error;
    io.err(`kizuna simulate: ${(error as Error).message}\n`);
    return 1;
  }
}

/** The plan, and the profile fields its definitions folder declares `date`. */
function compile(
  file: string,
  definitions: string | undefined,
  io: SimulateIo,
): { plan: Plan; dateFields: string[] } | null {
  const source = readText(file);
  const options = loadCompileOptions(definitions ?? findDefinitionsRoot(file));
  const result = compileJourney(source, file, options);
  // A problem may lie in a template: formatProblems shows each with its own file's lines.
  const problems = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  if (problems.length > 0) io.err(`${formatProblems(problems)}\n\n`);
  return result.ok ? { plan: result.plan, dateFields: [...(options.dateFields ?? [])] } : null;
}

interface Resolved extends SimulateOptions {
  startMs: number | null;
  durationMs: number;
  dateFields: readonly string[];
}

function simulateProfile(plan: Plan, profileFile: string, options: Resolved, io: SimulateIo): number {
  const profile = readProfile(profileFile);
  const customerId = typeof profile.id === 'string' ? profile.id : 'customer';
  // A population's events file may be given for one of its customers: keep only that customer's lines.
  const events = (options.events === undefined ? [] : readEvents(options.events))
    .filter((e) => e.customerId === null || e.customerId === customerId)
    .map(({ customerId: _, ...e }) => e);
  const startMs = options.startMs ?? defaultStart(plan, profile, events, options.dateFields);
  if (startMs === null) throw new SimulateInputError(missingStart(plan));
  const { durationMs, dateFields } = options;
  const run = dryRun({ plan, customerId, profile, events, startMs, durationMs, dateFields });
  io.out(options.json === true ? dryRunJson(plan, customerId, run) : formatTimeline(plan.journeyId, run));
  return run.result.failure === null ? 0 : 1;
}

const START_EXAMPLE = '--start 2026-11-02T10:00:00+09:00';

function missingStart(plan: Plan): string {
  const { entry } = plan;
  if (entry.type === 'segment') {
    return (
      `--start is required for a segment journey: it enters on its schedule (${entry.cron}), not on an event; ` +
      `give the moment to simulate, e.g. ${START_EXAMPLE}`
    );
  }
  if (entry.type === 'api') {
    return `--start is required for a journey entered through the API: give the moment of entry, e.g. ${START_EXAMPLE}`;
  }
  return `--start is required: the events file has no event to start from; give one, e.g. ${START_EXAMPLE}`;
}

/** The dry run as JSON, with ISO times beside the epoch ones. */
function dryRunJson(plan: Plan, customerId: string, run: DryRun): string {
  const { result } = run;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const output = {
    journey: plan.journeyId,
    customer: customerId,
    zone: run.zone,
    start: iso(run.startMs),
    until: iso(run.untilMs),
    notes: run.notes,
    outcome: result.outcome,
    conversion: result.conversion === null ? null : { ...result.conversion, at: iso(result.conversion.atMs) },
    waiting: result.waiting,
    failure: result.failure,
    timeline: run.timeline,
    sends: result.sends.map((s) => ({ ...s, at: iso(s.atMs) })),
  };
  return JSON.stringify(output, null, 2);
}

function simulatePopulation(plan: Plan, customersFile: string, options: Resolved, io: SimulateIo): number {
  if (options.events === undefined)
    throw new SimulateInputError('a backtest needs --events (JSON Lines with customerId)');
  const customers = readCustomers(customersFile);
  const events = readEvents(options.events);
  const startMs = options.startMs ?? earliestTime(events);
  if (startMs === null) {
    throw new SimulateInputError(
      `--start is required: the events file has no event to start the backtest from; give one, e.g. ${START_EXAMPLE}`,
    );
  }
  const showProgress = options.progress === true || io.errIsTty;
  const every = Math.max(1, Math.floor(customers.length / 100));
  const report = backtest({
    plan,
    customers,
    eventsByCustomer: groupEvents(events),
    startMs,
    untilMs: startMs + options.durationMs,
    dateFields: options.dateFields,
    ...(showProgress
      ? {
          onProgress: (done: number, total: number) =>
            (done % every === 0 || done === total) && io.err(progressBar(done, total)),
        }
      : {}),
  });
  if (showProgress) io.err('\n');
  const window = {
    start: new Date(startMs).toISOString(),
    until: new Date(startMs + options.durationMs).toISOString(),
  };
  io.out(options.json === true ? JSON.stringify({ ...window, ...report }, null, 2) : formatFunnel(report));
  return 0;
}

function isFileError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR');
}
