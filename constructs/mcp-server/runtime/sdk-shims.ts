/**
 * What the server Lambda's bundle uses for `@modelcontextprotocol/server/_shims` (an esbuild
 * alias set by McpServer): the SDK's Node shim, but with the SDK's Cloudflare-worker JSON Schema
 * validator instead of Ajv. The runtime never asks the SDK to validate JSON Schema (it uses no
 * `elicitInput` and no `fromJsonSchema`: tool arguments are zod-validated by the guard), and Ajv
 * is 150 KB of the bundle; the smaller validator keeps those SDK paths working if ever used.
 */
export { CfWorkerJsonSchemaValidator as DefaultJsonSchemaValidator } from '@modelcontextprotocol/server/validators/cf-worker';
export { default as process } from 'node:process';
