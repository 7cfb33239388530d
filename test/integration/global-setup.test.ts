import { afterEach, describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import { isPortOpen, ServerStartError } from '../../scripts/servers.js';
import { argAfter, fakeTools, type FakeTools } from '../support/fake-tools.js';
import setup from './global-setup.js';

describe('integration global setup', () => {
  let tools: FakeTools | undefined;
  const saved = process.env.KIZUNA_TOOLS_DIR;

  afterEach(() => {
    if (saved === undefined) delete process.env.KIZUNA_TOOLS_DIR;
    else process.env.KIZUNA_TOOLS_DIR = saved;
    for (const { pid } of tools?.starts('temporal') ?? []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
    tools?.remove();
  });

  it('stops the Temporal dev server and frees its port when FerretDB fails to start', async () => {
    tools = fakeTools({ failing: ['ferretdb'] });
    process.env.KIZUNA_TOOLS_DIR = tools.dir;
    const project = { provide: () => {} } as unknown as TestProject;
    await expect(setup(project)).rejects.toThrow(ServerStartError);
    const [temporal] = tools.starts('temporal');
    expect(temporal, 'the dev server was started').toBeDefined();
    expect(await isPortOpen(Number(argAfter(temporal!.args, '--port')))).toBe(false);
    expect(() => process.kill(temporal!.pid, 0), 'the dev server process is gone').toThrow();
  });
});
