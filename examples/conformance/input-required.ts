/**
 * The `conformance` server's multi round-trip tools and prompt (MCP 2026-07-28
 * `input_required`): exactly what the suite's input-required scenarios call. Each asks the
 * client for input by returning `inputRequired(...)`; the client retries the same call with
 * the answers (`ctx.input.responses`) and the state the tool returned (`ctx.input.state`),
 * which the runtime sealed so it comes back unaltered or not at all.
 */
import { z } from 'zod';
import { definePrompt, defineTool, elicit, inputRequired, listRoots, sample, type InputRound, type ToolOutput } from '../../lib/runtime';

const noArguments = z.strictObject({});

/** A field of an accepted elicitation (`{ action: 'accept', content: { field } }`); client input, so checked. */
function answer(input: InputRound, key: string, field: string): string | undefined {
  const content = (input.responses[key] as { content?: Record<string, unknown> } | undefined)?.content;
  const value = content?.[field];
  return typeof value === 'string' ? value.slice(0, 256) : undefined;
}

/** The text a client's model sent back for a sampling request. */
function sampled(input: InputRound, key: string): string | undefined {
  const text = (input.responses[key] as { content?: { text?: unknown } } | undefined)?.content?.text;
  return typeof text === 'string' ? text.slice(0, 256) : undefined;
}

const asksName = elicit('What is your name?', { name: { type: 'string' } });
const asksConfirmation = elicit('Please confirm', { ok: { type: 'boolean' } });
const stateOf = (input: InputRound): Record<string, unknown> => (input.state !== null && typeof input.state === 'object' && !Array.isArray(input.state) ? (input.state as Record<string, unknown>) : {});

/** A tool with no arguments whose answer depends only on the round: what the client sent back and the sealed state. */
const roundTool = (name: string, description: string, answerRound: (input: InputRound) => ToolOutput) =>
  defineTool({ name, description, input: noArguments, handler: (_args, ctx) => answerRound(ctx.input) });

/** A response the client sent for `key`, as the shape the request asked for (client input: fields are checked where used). */
const responseTo = <T>(input: InputRound, key: string) => input.responses[key] as T | undefined;

export const inputRequiredTools = [
  roundTool('test_missing_capability', 'Needs the client to sample; a client that did not declare sampling gets -32021 (scenario server-stateless)', (input) => (sampled(input, 'sample') !== undefined ? 'Success' : inputRequired({ requests: { sample: sample('Say anything') } }))),

  roundTool('test_input_required_result_elicitation', 'Asks the user for a name, then greets them', (input) => {
    const name = answer(input, 'user_name', 'name');
    return name !== undefined ? `Hello, ${name}!` : inputRequired({ requests: { user_name: asksName } });
  }),

  roundTool('test_input_required_result_sampling', "Asks the client's model a question", (input) => {
    const text = sampled(input, 'sample_request');
    return text !== undefined ? `Sampling result: ${text}` : inputRequired({ requests: { sample_request: sample('What is the capital of France?') } });
  }),

  roundTool('test_input_required_result_list_roots', "Asks for the client's roots", (input) => {
    const roots = responseTo<{ roots?: unknown }>(input, 'roots_request')?.roots;
    return Array.isArray(roots) ? `Found ${roots.length} root(s)` : inputRequired({ requests: { roots_request: listRoots() } });
  }),

  roundTool('test_input_required_result_request_state', 'Asks for a confirmation and checks its own state on the way back', (input) => {
    const ok = responseTo<{ content?: { ok?: unknown } }>(input, 'confirm')?.content?.ok;
    if (stateOf(input).kind === 'request-state' && ok === true) return 'state-ok: requestState validated';
    return inputRequired({ requests: { confirm: asksConfirmation }, state: { kind: 'request-state' } });
  }),

  roundTool('test_input_required_result_multiple_inputs', 'Asks for a name, a sampled greeting and the roots in one round', (input) => {
    const name = answer(input, 'user_name', 'name');
    const greeting = sampled(input, 'greeting');
    const roots = responseTo<{ roots?: unknown }>(input, 'client_roots')?.roots;
    if (stateOf(input).kind === 'multiple-inputs' && name !== undefined && Array.isArray(roots)) {
      return `Name: ${name}; Greeting: ${greeting ?? 'Hello there!'}; Roots: ${roots.length}`;
    }
    return inputRequired({
      requests: { user_name: asksName, greeting: sample('Generate a greeting', 50), client_roots: listRoots() },
      state: { kind: 'multiple-inputs' },
    });
  }),

  roundTool('test_input_required_result_multi_round', 'Two rounds: a name, then a colour', (input) => {
    const state = stateOf(input);
    const name = answer(input, 'step1', 'name');
    if (state.round === 1 && name !== undefined) {
      return inputRequired({ requests: { step2: elicit('Step 2: What is your favorite color?', { color: { type: 'string' } }) }, state: { round: 2, name } });
    }
    const color = answer(input, 'step2', 'color');
    if (state.round === 2 && color !== undefined) return `Multi-round complete for ${String(state.name)} who likes ${color}`;
    return inputRequired({ requests: { step1: elicit('Step 1: What is your name?', { name: { type: 'string' } }) }, state: { round: 1 } });
  }),

  roundTool('test_input_required_result_tampered_state', 'Its state is sealed: an altered requestState is refused before the tool runs', (input) => {
    const ok = responseTo<{ content?: unknown }>(input, 'confirm')?.content;
    if (stateOf(input).kind === 'tamper-test' && ok !== undefined) return 'integrity-ok: state verified';
    return inputRequired({ requests: { confirm: asksConfirmation }, state: { kind: 'tamper-test' } });
  }),

  roundTool('test_input_required_result_capabilities', 'Asks only for what the client declared it can give', (input) => {
    const received = Object.keys(input.responses);
    if (received.length > 0) return `capabilities-ok: received ${received.join(',')}`;
    const caps = input.clientCapabilities;
    const requests = {
      ...(caps.elicitation ? { elicit_input: elicit('Elicitation input', { value: { type: 'string' } }) } : {}),
      ...(caps.sampling ? { sample_input: sample('Sample request', 50) } : {}),
    };
    return Object.keys(requests).length === 0 ? 'No supported capabilities declared' : inputRequired({ requests, state: { kind: 'capabilities-test' } });
  }),
];

export const inputRequiredPrompts = [
  definePrompt({
    name: 'test_input_required_result_prompt',
    get: (_args, ctx) => {
      const context = answer(ctx.input, 'user_context', 'context');
      if (context !== undefined) return `Prompt with context: ${context}`;
      return inputRequired({ requests: { user_context: elicit('What context should the prompt use?', { context: { type: 'string' } }) } });
    },
  }),
];
