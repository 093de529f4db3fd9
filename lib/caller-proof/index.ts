/** The caller proof shared by the client (signs) and the server runtime (verifies). Pure: no AWS SDK, no I/O. */
export {
  CALLER_PROOF_HEADER,
  SERVER_ID_HEADER,
  PROOF_DEFAULT_SECONDS,
  PROOF_MAX_SECONDS,
  PROOF_CLOCK_SKEW_MS,
  PROOF_MAX_LENGTH,
  GET_CALLER_IDENTITY,
  stsHost,
  principalOf,
} from './protocol';
export { checkProof, type CheckedProof, type ProofExpectations } from './check-proof';
