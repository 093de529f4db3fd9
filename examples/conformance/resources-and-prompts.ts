/**
 * The `conformance` server's resources, resource template and prompts: exactly what the MCP
 * conformance suite's resource, prompt and completion scenarios read, with the contents their
 * scenario texts ask for. They pass through the guard like the tools (authorized per agent,
 * redacted by clearance, audited).
 */
import { z } from 'zod';
import { content, definePrompt, defineResource, defineResourceTemplate } from '../../lib/runtime';
import { onePixelPng } from './media';

const RED_PIXEL = onePixelPng(255, 0, 0);

export const conformanceResources = [
  defineResource({
    name: 'static_text',
    read: () => 'This is the content of the static text resource.',
  }),

  defineResource({
    name: 'static_binary',
    read: (ctx) => ({ contents: [{ uri: ctx.uri, mimeType: 'image/png', blob: RED_PIXEL.toString('base64') }] }),
  }),

  defineResourceTemplate({
    name: 'template_data',
    read: ({ id }, ctx) => ({ contents: [{ uri: ctx.uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] }),
    complete: { id: (prefix) => ['123', '456', '789'].filter((id) => id.startsWith(prefix)) },
  }),
];

export const conformancePrompts = [
  definePrompt({
    name: 'test_simple_prompt',
    get: () => 'This is a simple prompt for testing.',
  }),

  definePrompt({
    name: 'test_prompt_with_arguments',
    arguments: z.strictObject({ arg1: z.string().max(256).describe('First test argument'), arg2: z.string().max(256).describe('Second test argument') }),
    get: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
    complete: { arg1: (prefix) => ['paris', 'park', 'party'].filter((v) => v.startsWith(prefix)) },
  }),

  definePrompt({
    name: 'test_prompt_with_embedded_resource',
    arguments: z.strictObject({ resourceUri: z.string().max(2048).describe('URI of the resource to embed') }),
    get: ({ resourceUri }) => [
      { role: 'user', content: content.resource({ uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' }) },
      { role: 'user', content: content.text('Please process the embedded resource above.') },
    ],
  }),

  definePrompt({
    name: 'test_prompt_with_image',
    get: () => [
      { role: 'user', content: content.image(RED_PIXEL, 'image/png') },
      { role: 'user', content: content.text('Please analyze the image above.') },
    ],
  }),
];
