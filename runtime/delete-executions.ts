/**
 * Erasure in Temporal: a run's history holds the customer id (workflow id, search attributes, summary)
 * and whatever its activities carried, and it outlives the run until the namespace's retention period
 * runs out. So erasure deletes the customer's executions instead of leaving them to retention:
 * DeleteWorkflowExecution for every run visibility lists (closed ones, and older runs of the same
 * workflow id), and for the latest run of every workflow id the caller names (a run that visibility
 * has not indexed yet). Temporal terminates a run that is still open before deleting it.
 */
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';

/** gRPC status of an execution Temporal does not have (never started, deleted already). */
const GRPC_NOT_FOUND = 5;
/** gRPC status of a call the server does not implement (the time-skipping test server has no visibility). */
const GRPC_UNIMPLEMENTED = 12;

const grpcCode = (err: unknown): number | undefined => {
  const e = err as { code?: number; cause?: { code?: number } };
  return e.code ?? e.cause?.code;
};

/** A string literal for a visibility query, or null when the id cannot be quoted safely. */
function literal(value: string): string | null {
  return /^[^"'\\\s]+$/.test(value) ? `"${value}"` : null;
}

/** Every (workflowId, runId) visibility lists for the customer or for one of `workflowIds`. */
async function listRuns(deps: RuntimeDeps, customerId: string, workflowIds: string[]) {
  const customer = literal(customerId);
  const ids = workflowIds.map(literal).filter((id): id is string => id !== null);
  const clauses = [
    ...(customer ? [`KizunaCustomer = ${customer}`] : []),
    ...(ids.length > 0 ? [`WorkflowId IN (${ids.join(', ')})`] : []),
  ];
  const runs: { workflowId: string; runId: string | undefined }[] = [];
  if (clauses.length === 0) return runs;
  try {
    for await (const run of deps.client.workflow.list({ query: clauses.join(' OR ') })) {
      runs.push({ workflowId: run.workflowId, runId: run.runId });
    }
  } catch (err) {
    // A server without visibility: the named workflow ids below are all that can be found.
    if (grpcCode(err) !== GRPC_UNIMPLEMENTED) throw err;
  }
  return runs;
}

/** Deletes one execution (the latest run when `runId` is absent); false when Temporal has none. */
async function deleteExecution(deps: RuntimeDeps, workflowId: string, runId: string | undefined): Promise<boolean> {
  try {
    await deps.client.workflowService.deleteWorkflowExecution({
      namespace: deps.client.options.namespace,
      workflowExecution: { workflowId, ...(runId ? { runId } : {}) },
    });
    return true;
  } catch (err) {
    const code = grpcCode(err);
    if (code === GRPC_NOT_FOUND || code === GRPC_UNIMPLEMENTED) return false;
    throw err;
  }
}

/**
 * Deletes the customer's workflow executions, open or closed, in every journey: those visibility
 * finds by `KizunaCustomer` or by workflow id, and the latest run of `workflowIds` and of
 * `kizuna/<journeyId>/<customerId>` for each of `journeyIds`. Returns how many executions were deleted.
 * Temporal removes them asynchronously.
 */
export async function deleteCustomerExecutions(
  deps: RuntimeDeps,
  input: { customerId: string; journeyIds: string[]; workflowIds: string[] },
): Promise<number> {
  const named = [
    ...new Set([...input.workflowIds, ...input.journeyIds.map((j) => journeyWorkflowId(j, input.customerId))]),
  ];
  const listed = await listRuns(deps, input.customerId, named);
  const listedIds = new Set(listed.map((run) => run.workflowId));
  // Runs visibility has not indexed yet: the latest run of each named id it did not list.
  const unlisted = named.filter((id) => !listedIds.has(id)).map((workflowId) => ({ workflowId, runId: undefined }));
  let deleted = 0;
  for (const run of [...listed, ...unlisted]) {
    if (await deleteExecution(deps, run.workflowId, run.runId)) deleted += 1;
  }
  return deleted;
}
