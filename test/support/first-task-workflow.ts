/**
 * A stand-in for the journey workflow that ends in its first workflow task: registered under the
 * journey workflow's name, it lets a test see in which order the task queue handed out runs' tasks.
 */
export async function journeyWorkflow(): Promise<void> {}
