/** Group commit lives with the store, whose writes it groups (events here, the send ledger's too). */
export { createGroupCommit, type GroupCommit } from '../../store/group-commit.js';
