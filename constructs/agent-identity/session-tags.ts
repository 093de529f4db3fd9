/**
 * The session tags an MCP server sends when it assumes an agent's data role (runtime:
 * constructs/mcp-server/runtime/data-role-credentials.ts). The data role's trust requires
 * `warden:agent` = its agent and `warden:server` = the server whose function role is assuming it;
 * its data policy matches `aws:PrincipalTag/warden:server` in every statement, so a session opened
 * by one server reaches only the datasets that server's tools use for that agent.
 *
 * No warden role carries a `warden:server` *role* tag on its data role (function roles do, but
 * they are never a data-role session), so the principal tag can only come from the session tag
 * the trust checked.
 */
export const SESSION_TAG_AGENT = 'warden:agent';
export const SESSION_TAG_SERVER = 'warden:server';
export const SESSION_TAG_ACCESS = 'warden:access';
/** Every key a data-role session may carry (`aws:TagKeys`); any other key is refused by the trust. */
export const DATA_SESSION_TAG_KEYS: readonly string[] = [SESSION_TAG_AGENT, SESSION_TAG_SERVER, SESSION_TAG_ACCESS];
