import { describe, expect, it } from 'vitest';
import { freePort, isPortOpen, launch, ServerStartError, startTogether } from '../../scripts/servers.js';

const node = process.execPath;

/** A server that listens on `port` and prints nothing (it is ready once the port answers). */
const listener = (name: string, port: number) => () =>
  launch({
    name,
    command: node,
    args: ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`],
    port,
  });

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

  it('keeps the first lines of a long crash (a panic names its cause before its stack) and the last', async () => {
    const script =
      'console.error("panic: bind: address already in use"); for (let i = 0; i < 60; i++) console.error("frame " + i); process.exitCode = 2';
    const failure = launch({ name: 'crashing', command: node, args: ['-e', script], readyOutput: /never/ });
    const err = (await failure.catch((e: unknown) => e)) as ServerStartError;
    expect(err.exited).toBe(true);
    const lines = err.message.split('\n  ');
    expect(lines[1]).toBe('panic: bind: address already in use');
    expect(lines).toContain('... (36 lines)');
    expect(lines.at(-1)).toBe('frame 59');
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

  it('frees the port of a process that listens but never prints its ready line', async () => {
    const port = await freePort();
    const failure = launch({
      name: 'mute',
      command: node,
      args: ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`],
      readyOutput: /never/,
      timeoutMs: 1_000,
    });
    await expect(failure).rejects.toThrow(/^mute was not ready after 1000 ms/);
    expect(await isPortOpen(port)).toBe(false);
  });
});

describe('startTogether', () => {
  it('starts every server and returns them in order', async () => {
    const ports = [await freePort(), await freePort()];
    const servers = await startTogether([listener('one', ports[0]!), listener('two', ports[1]!)]);
    expect(servers.map((s) => s.name)).toEqual(['one', 'two']);
    for (const port of ports) expect(await isPortOpen(port)).toBe(true);
    for (const server of servers) await server.stop();
  });

  it('when one fails, stops the others and frees their ports before rethrowing', async () => {
    const ports = [await freePort(), await freePort()];
    const seen: string[] = [];
    const failure = startTogether(
      [
        listener('first', ports[0]!),
        () => launch({ name: 'ghost', command: '/nonexistent/ghost', args: [], readyOutput: /x/ }),
        listener('second', ports[1]!),
      ],
      (server) => seen.push(server.name),
    );
    await expect(failure).rejects.toThrow(/^ghost exited \(spawn \/nonexistent\/ghost ENOENT\)/);
    expect(seen.sort()).toEqual(['first', 'second']);
    for (const port of ports) expect(await isPortOpen(port), String(port)).toBe(false);
  });

  it('frees the ports when a server finds its port taken', async () => {
    const [taken, other] = [await freePort(), await freePort()];
    const blocker = await startTogether([listener('blocker', taken)]);
    const failure = startTogether([listener('other', other), listener('late', taken)]);
    await expect(failure).rejects.toThrow(`late: port ${taken} is already in use`);
    expect(await isPortOpen(other)).toBe(false);
    await blocker[0]!.stop();
  });
});
