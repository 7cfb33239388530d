import { describe, expect, it } from 'vitest';
import { launch, ServerStartError } from '../../scripts/servers.js';

const node = process.execPath;

describe('launch', () => {
  it('resolves once the output shows the ready line, and stops the process', async () => {
    const server = await launch({
      name: 'echo',
      command: node,
      args: ['-e', 'console.log("ready to serve"); setInterval(() => {}, 1000)'],
      readyOutput: /ready to serve/,
    });
    expect(server.tail()).toEqual(['ready to serve']);
    await server.stop();
    expect(await server.exited).toBe('SIGTERM');
  });

  it('names a process that dies before it is ready, with its last output', async () => {
    const failure = launch({
      name: 'broken',
      command: node,
      args: ['-e', 'console.error("cannot open data dir"); process.exitCode = 3'],
      readyOutput: /never/,
    });
    await expect(failure).rejects.toThrow(ServerStartError);
    await expect(failure).rejects.toThrow(/^broken exited \(3\)\. Last output:\n {2}cannot open data dir$/);
  });

  it('reports a command that cannot be spawned', async () => {
    const failure = launch({ name: 'ghost', command: '/nonexistent/ghost', args: [], readyOutput: /x/ });
    await expect(failure).rejects.toThrow(/^ghost exited \(spawn \/nonexistent\/ghost ENOENT\)/);
  });

  it('gives up after the timeout', async () => {
    const failure = launch({
      name: 'slow',
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      readyOutput: /never/,
      timeoutMs: 300,
    });
    await expect(failure).rejects.toThrow(/^slow was not ready after 300 ms/);
  });
});
