/** Group commit lives with the store, whose writes it groups (events here, the send ledger's too). */
export { createGroupCommit, writeSplitting, type GroupCommit, type ItemOutcome } from '../../store/group-commit.js';
