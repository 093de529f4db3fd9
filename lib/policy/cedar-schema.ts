/**
 * The Cedar schema every warden policy is validated against: the generated permits and
 * forbids, and the teams' own policy files (manifest `guard.policies`). Keeping it small and
 * fixed means a team rule that names a misspelt attribute fails at startup, not silently at
 * call time (Cedar skips a policy whose evaluation errors).
 */

export const CEDAR_NAMESPACE = 'Warden';
/** An agent calling an MCP tool. */
export const CALL_TOOL_ACTION = 'callTool';
/** An agent reading an MCP resource (`resources/read`, and seeing it listed or completed). */
export const READ_RESOURCE_ACTION = 'readResource';
/** An agent getting an MCP prompt (`prompts/get`, and seeing it listed or completed). */
export const GET_PROMPT_ACTION = 'getPrompt';

export const CEDAR_SCHEMA = `namespace ${CEDAR_NAMESPACE} {
  // A manifest data class; rank 0 is the least sensitive (manifest dataClasses order).
  entity DataClass = { rank: Long };
  // An agent from the manifest; clearance governs redaction of results.
  entity Agent = { clearance: DataClass };
  // A tool, id "server/tool"; access is "read" or "write".
  entity Tool = { server: String, dataset: String, dataClass: DataClass, access: String };
  // A resource or resource template, id "server/name"; access is always "read". Same
  // attributes as Tool, so one team rule (e.g. on resource.dataClass) covers all three.
  entity Resource = { server: String, dataset: String, dataClass: DataClass, access: String };
  // A prompt, id "server/name"; dataClass is the most sensitive its arguments may carry, dataset is "".
  entity Prompt = { server: String, dataset: String, dataClass: DataClass, access: String };
  // agentStatus is the kill-switch status ("active" or "contained").
  action ${CALL_TOOL_ACTION} appliesTo {
    principal: [Agent],
    resource: [Tool],
    context: { agentStatus: String }
  };
  action ${READ_RESOURCE_ACTION} appliesTo {
    principal: [Agent],
    resource: [Resource],
    context: { agentStatus: String }
  };
  action ${GET_PROMPT_ACTION} appliesTo {
    principal: [Agent],
    resource: [Prompt],
    context: { agentStatus: String }
  };
}
`;

/** The Cedar schema text (for review and backup). */
export function cedarSchema(): string {
  return CEDAR_SCHEMA;
}
