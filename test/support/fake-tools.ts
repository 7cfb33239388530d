/**
 * A tools folder for tests of the launchers (point KIZUNA_TOOLS_DIR at it): each real tool runs
 * through a wrapper that records its pid and arguments, and the tools named in `failing` are
 * replaced by a script that fails at once, as a broken install would.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  existsSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toolPath } from '../../scripts/servers.js';

type Tool = 'temporal' | 'temporal-test-server' | 'ferretdb';

export interface FakeTools {
  dir: string;
  /** One entry per start of `tool`: its pid and its arguments. */
  starts(tool: Tool): Array<{ pid: number; args: string[] }>;
  remove(): void;
}

export function fakeTools(opts: { failing: Tool[] }): FakeTools {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-tools-'));
  // Under root, PostgreSQL runs as `nobody` and must pass through this folder to its programs.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'bin'));
  const record = (tool: Tool) => join(dir, `${tool}.starts`);
  for (const tool of ['temporal', 'temporal-test-server', 'ferretdb'] as const) {
    const script = opts.failing.includes(tool)
      ? `#!/bin/sh\necho "${tool}: cannot open its data directory" >&2\nexit 1\n`
      : `#!/bin/sh\necho "$$ $*" >> '${record(tool)}'\nexec '${toolPath(tool)}' "$@"\n`;
    writeFileSync(join(dir, 'bin', tool), script);
    chmodSync(join(dir, 'bin', tool), 0o755);
  }
  // PostgreSQL is the real one (a folder of programs, libraries and data files, found by their place).
  symlinkSync(join(dirname(dirname(toolPath('ferretdb'))), 'postgres'), join(dir, 'postgres'));
  return {
    dir,
    starts: (tool) =>
      existsSync(record(tool))
        ? readFileSync(record(tool), 'utf8')
            .trim()
            .split('\n')
            .map((line) => {
              const [pid, ...args] = line.split(' ');
              return { pid: Number(pid), args };
            })
        : [],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The value following `flag` in a recorded argument list (e.g. `--port`). */
export function argAfter(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}
