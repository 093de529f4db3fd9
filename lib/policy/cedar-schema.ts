/**
 * The Cedar schema every warden policy is validated against: the generated permits and
 * forbids, and the teams' own policy files (manifest `guard.policies`). Keeping it small and
 * fixed means a team rule that names a misspelt attribute fails at startup, not silently at
 * call time (Cedar skips a policy whose evaluation errors).
 */

export const CEDAR_NAMESPACE = 'Warden';
/** The one action: an agent calling an MCP tool. */
export const CALL_TOOL_ACTION = 'callTool';

export const CEDAR_SCHEMA = `namespace ${CEDAR_NAMESPACE} {
  // A manifest data class; rank 0 is the least sensitive (manifest dataClasses order).
  entity DataClass = { rank: Long };
  // An agent from the manifest; clearance governs redaction of results.
  entity Agent = { clearance: DataClass };
  // A tool, id "server/tool"; access is "read" or "write".
  entity Tool = { server: String, dataset: String, dataClass: DataClass, access: String };
  // agentStatus is the kill-switch status ("active" or "contained").
  action ${CALL_TOOL_ACTION} appliesTo {
    principal: [Agent],
    resource: [Tool],
    context: { agentStatus: String }
  };
}
`;

/** The Cedar schema text (for review and backup). */
export function cedarSchema(): string {
  return CEDAR_SCHEMA;
}
