/**
 * The store work of the send path, for `bench/delivery.ts --profile`: every command the driver sends
 * (through MongoDB's command monitoring), counted by command and collection, with the time each took,
 * so a send's store cost reads as "2 inserts into deliveries, 1 find on delivery_claims, ...".
 */
import type { Connection } from 'mongoose';

/** One kind of command (e.g. `insert deliveries`) over a measured stretch. */
export interface CommandFigure {
  command: string;
  perSend: number;
  msPerCommand: number;
}

interface Tally {
  n: number;
  ms: number;
}

/** Counts the commands of one stretch at a time; `take` closes a stretch, divided by its sends. */
export interface CommandProfile {
  take(sends: number): CommandFigure[];
}

const NOT_STORE_WORK = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions']);

/**
 * Listens to the connection's commands. The connection must have been opened with command monitoring
 * on (`monitorCommands=true` in its URI): connections opened without it report nothing.
 */
export function profileCommands(connection: Connection): CommandProfile {
  const client = connection.getClient();
  const started = new Map<number, string>();
  let tallies = new Map<string, Tally>();
  client.on('commandStarted', (event) => {
    if (NOT_STORE_WORK.has(event.commandName)) return;
    const collection = event.command[event.commandName] as unknown;
    started.set(event.requestId, `${event.commandName} ${typeof collection === 'string' ? collection : ''}`.trim());
  });
  const end = (event: { requestId: number; duration: number }) => {
    const name = started.get(event.requestId);
    if (name === undefined) return;
    started.delete(event.requestId);
    const tally = tallies.get(name) ?? { n: 0, ms: 0 };
    tally.n += 1;
    tally.ms += event.duration;
    tallies.set(name, tally);
  };
  client.on('commandSucceeded', end);
  client.on('commandFailed', end);
  return {
    take(sends) {
      const figures = [...tallies.entries()]
        .map(([command, t]) => ({
          command,
          perSend: Number((t.n / sends).toFixed(2)),
          msPerCommand: Number((t.ms / t.n).toFixed(2)),
        }))
        .sort((a, b) => b.perSend - a.perSend);
      tallies = new Map();
      return figures;
    },
  };
}
