/**
 * Routing a batch: customers concurrently (a bounded number at a time), each customer's events one
 * after another in the order given (an exit after an entry must arrive after it), and an answer by a
 * deadline whatever is left: the work goes on in the background after the answer.
 */

/** How a batch is routed. */
export interface OrderedRoutingOptions {
  /** Customers routed at the same time. @default 16 */
  concurrency?: number;
  /** Milliseconds after which {@link routeInOrder} stops waiting (the work goes on). @default Infinity */
  deadlineMs?: number;
}

/** What {@link routeInOrder} hands back: whether everything finished in time, and the whole work. */
export interface OrderedRouting {
  /** True when every row was routed before the deadline. */
  finished: boolean;
  /** Settles when every row is routed (at once when `finished`). */
  work: Promise<void>;
}

/** Groups rows by customer, keeping their order within each customer. */
function queuesByCustomer<R extends { customerId: string }>(rows: readonly R[]): R[][] {
  const byCustomer = new Map<string, R[]>();
  for (const row of rows) {
    const queue = byCustomer.get(row.customerId);
    if (queue) queue.push(row);
    else byCustomer.set(row.customerId, [row]);
  }
  return [...byCustomer.values()];
}

/**
 * Calls `fn` for every row: each customer's rows in order, `concurrency` customers at a time. Resolves
 * when all rows are done or when `deadlineMs` has passed, whichever is first; `fn` must not throw.
 */
export async function routeInOrder<R extends { customerId: string }>(
  rows: readonly R[],
  fn: (row: R) => Promise<void>,
  opts: OrderedRoutingOptions = {},
): Promise<OrderedRouting> {
  const queues = queuesByCustomer(rows);
  let next = 0;
  const worker = async () => {
    while (next < queues.length) for (const row of queues[next++]!) await fn(row);
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 16, queues.length));
  const work = Promise.all(Array.from({ length: lanes }, worker)).then(() => undefined);
  const deadlineMs = opts.deadlineMs ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(deadlineMs)) return work.then(() => ({ finished: true, work }));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadlineMs))));
  const finished = await Promise.race([work.then(() => true as const), late]);
  clearTimeout(timer);
  return { finished, work };
}
