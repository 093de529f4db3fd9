/**
 * `mcp-warden/runtime`: the tool-code API (defineTools, datasets, context) and the MCP
 * handler the Lambda and the dev server share.
 */
export { defineTool, defineTools, isToolSet, ToolError } from './define-tools';
export type { ToolContext, ToolDefinition, ToolInputSchema, ToolOutput, ToolSet } from './define-tools';
export { definePrompt, defineResource, defineResourceTemplate } from './define-resources';
export { elicit, FIRST_ROUND, inputRequired, isInputRequired, listRoots, MAX_INPUT_REQUESTS, sample } from './input-required';
export type { InputRequest, InputRequired, InputRound } from './input-required';
export type {
  Completer,
  FeatureContext,
  PromptDefinition,
  PromptMessage,
  PromptOutput,
  ResourceContents,
  ResourceContext,
  ResourceDefinition,
  ResourceOutput,
  ResourceTemplateDefinition,
} from './define-resources';
export { DatasetAccessError, DatasetConflictError, MAX_PAGE_SIZE, readOnlyDataset, resolveKey } from './dataset-client';
export type {
  AttributeCondition,
  DatasetClient,
  DatasetFilter,
  DatasetItem,
  DatasetKey,
  JsonScalar,
  JsonValue,
  KeyInput,
  Page,
  QueryOptions,
  ScanOptions,
  UpdateOptions,
} from './dataset-client';
export { InMemoryDataset } from './memory-dataset';
export { DEFAULT_READ_UNITS_PER_CALL, ReadBudget, ReadBudgetExceeded, readUnitsFor } from './read-budget';
export type { ReadBudgetView } from './read-budget';
export { windowedLimit } from './windowed-limit';
export type { LimitWindow, WindowedDecision, WindowedLimit, WindowedLimitOptions } from './windowed-limit';
export type { InMemoryDatasetOptions } from './memory-dataset';
export { jsonLogger } from './tool-logger';
export type { JsonLoggerOptions, LogFields, LogLevel, ToolLogger } from './tool-logger';
export { bindTools, loadToolModule, ToolBindingError } from './tool-binding';
export type { BoundTool } from './tool-binding';
export { buildCatalog, describeInvalidArguments } from './tool-catalog';
export { content, isToolResult, toolErrorResult, toolResult, toToolResult } from './tool-result';
export type { ToolResult, ToolResultOptions } from './tool-result';
export type {
  AudioToolContent,
  EmbeddedResourceToolContent,
  ImageToolContent,
  ResourceLinkToolContent,
  TextToolContent,
  ToolContent,
  ToolContentAnnotations,
} from '../guard/contract';
export { createMcpHandler } from './mcp-handler';
export type { DatasetFactory, DatasetRequest, McpCall, McpHandler, McpHandlerOptions } from './mcp-handler';
export { headerOf } from './http-types';
export type { HttpRequestLike, HttpResponseLike } from './http-types';
export { JSON_RPC, jsonRpcError } from './json-rpc-errors';
export { checkHttp, inspectShape, MAX_JSON_DEPTH, parseMessage, SUPPORTED_METHODS, SUPPORTED_PROTOCOL_VERSIONS } from './request-checks';
