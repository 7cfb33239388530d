/**
 * A global setup of the integration run: gives every LINE stand-in one file to record accepted push
 * bodies in, and at the end of the run checks that every one of them is a body LINE accepts. A body
 * the stand-in let through but LINE's rules refuse fails the run.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { validatePushBody } from '../../line-standin/validate-messages.js';

declare module 'vitest' {
  export interface ProvidedContext {
    lineBodiesFile: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-line-bodies-'));
  const file = join(dir, 'bodies.jsonl');
  project.provide('lineBodiesFile', file);
  return () => {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    rmSync(dir, { recursive: true, force: true });
    const refused = lines
      .map((line) => ({ body: JSON.parse(line) as unknown, details: validatePushBody(JSON.parse(line)) }))
      .filter((r) => r.details.length > 0);
    if (refused.length > 0) {
      throw new Error(
        `${refused.length} of ${lines.length} LINE push bodies accepted during the run break LINE's rules: ` +
          JSON.stringify(refused.slice(0, 3)),
      );
    }
    console.log(`line bodies: ${lines.length} accepted push bodies checked against LINE's rules, all valid`);
  };
}
