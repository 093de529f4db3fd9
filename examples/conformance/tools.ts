/**
 * The `conformance` server: exactly the tools the MCP conformance suite
 * (@modelcontextprotocol/conformance 0.1.13) calls in its tool scenarios, with the results
 * its scenario texts ask for. Run against the dev server with
 * `npm run dev -- --config examples/conformance/warden.config.yaml --agent conformance-agent`.
 *
 * Logging and progress scenarios are not here: their notifications need a streamed (SSE)
 * response and a warden server answers with plain JSON (see docs/dev-server.md).
 */
import { z } from 'zod';
import { content, defineTool, defineTools, ToolError, toolResult } from '../../lib/runtime';
import { onePixelPng, silentWav } from './media';
import { inputRequiredPrompts, inputRequiredTools } from './input-required';
import { conformancePrompts, conformanceResources } from './resources-and-prompts';

const RED_PIXEL = onePixelPng(255, 0, 0);
const SILENCE = silentWav();
const noArguments = z.strictObject({});

export default defineTools([
  defineTool({
    name: 'test_simple_text',
    description: 'Returns a fixed text (scenario tools-call-simple-text)',
    input: noArguments,
    handler: () => 'This is a simple text response for testing.',
  }),

  defineTool({
    name: 'test_image_content',
    description: 'Returns a 1x1 red PNG (scenario tools-call-image)',
    input: noArguments,
    handler: () => toolResult([content.image(RED_PIXEL, 'image/png')]),
  }),

  defineTool({
    name: 'test_audio_content',
    description: 'Returns 10 ms of silence as WAV (scenario tools-call-audio)',
    input: noArguments,
    handler: () => toolResult([content.audio(SILENCE, 'audio/wav')]),
  }),

  defineTool({
    name: 'test_embedded_resource',
    description: 'Returns an embedded text resource (scenario tools-call-embedded-resource)',
    input: noArguments,
    handler: () => toolResult([content.resource({ uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' })]),
  }),

  defineTool({
    name: 'test_multiple_content_types',
    description: 'Returns text, an image and a JSON resource (scenario tools-call-mixed-content)',
    input: noArguments,
    handler: () =>
      toolResult([
        content.text('Multiple content types test:'),
        content.image(RED_PIXEL, 'image/png'),
        content.resource({ uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) }),
      ]),
  }),

  defineTool({
    name: 'test_error_handling',
    description: 'Always fails with a tool error (scenario tools-call-error)',
    input: noArguments,
    handler: () => {
      throw new ToolError('This tool intentionally returns an error for testing');
    },
  }),

  ...inputRequiredTools,
  ...conformanceResources,
  ...conformancePrompts,
  ...inputRequiredPrompts,
]);
