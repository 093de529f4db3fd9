/** Handler return values → MCP CallToolResult, and the content builders tool code uses. */
import { inflateSync } from 'node:zlib';
import { content, toolResult, toToolResult } from '../../../lib/runtime';
import conformanceTools from '../../../examples/conformance/tools';
import { onePixelPng, silentWav } from '../../../examples/conformance/media';

describe('toToolResult', () => {
  it('keeps a plain object with a content key as data (only toolResult makes content parts)', () => {
    const result = toToolResult({ content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] });
    expect(result.content).toHaveLength(1);
    expect(result.content[0]!.type).toBe('text');
    expect(result.structuredContent).toEqual({ content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] });
  });

  it('passes the parts, structured content and error flag of a toolResult', () => {
    const parts = [content.text('chart:'), content.image(Buffer.from([1, 2, 3]), 'image/png')];
    expect(toToolResult(toolResult(parts, { structuredContent: { total: 3 }, isError: true }))).toEqual({
      content: [
        { type: 'text', text: 'chart:' },
        { type: 'image', data: 'AQID', mimeType: 'image/png' },
      ],
      structuredContent: { total: 3 },
      isError: true,
    });
  });
});

describe('content builders', () => {
  it('base64-encodes bytes and keeps base64 text as given', () => {
    expect(content.audio(new Uint8Array([255, 0]), 'audio/wav')).toEqual({ type: 'audio', data: '/wA=', mimeType: 'audio/wav' });
    expect(content.image('AQID', 'image/gif')).toEqual({ type: 'image', data: 'AQID', mimeType: 'image/gif' });
  });

  it('encodes only the bytes of a Uint8Array view, not its whole buffer', () => {
    const view = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);
    expect(content.image(view, 'image/png').data).toBe('AQID');
  });

  it('builds embedded resources with text or a blob, and resource links', () => {
    expect(content.resource({ uri: 'test://r', mimeType: 'text/plain', text: 'hi' })).toEqual({ type: 'resource', resource: { uri: 'test://r', mimeType: 'text/plain', text: 'hi' } });
    expect(content.resource({ uri: 'test://b', blob: Buffer.from('hi') })).toEqual({ type: 'resource', resource: { uri: 'test://b', blob: 'aGk=' } });
    expect(content.resourceLink({ uri: 'https://example.com/a.csv', name: 'a.csv', mimeType: 'text/csv' })).toEqual({ type: 'resource_link', uri: 'https://example.com/a.csv', name: 'a.csv', mimeType: 'text/csv' });
  });

  it('tells the tool author what is wrong at once', () => {
    expect(() => content.image(Buffer.from([1]), 'png')).toThrow(/invalid tool content: mimeType "png" is not a media type/);
    expect(() => content.audio('not base64', 'audio/wav')).toThrow(/base64/);
    expect(() => content.resourceLink({ uri: 'javascript:alert(1)', name: 'x' })).toThrow(/javascript: scheme/);
    expect(() => toolResult([{ type: 'video', data: 'AAAA' } as never])).toThrow(/invalid tool result: content\[0\]: unsupported content type "video"/);
  });
});

describe('examples/conformance media', () => {
  it('builds a 1x1 PNG whose pixel is the colour asked for', () => {
    const png = onePixelPng(255, 0, 0);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1, 1]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    expect([...inflateSync(png.subarray(41, 41 + idatLength))]).toEqual([0, 255, 0, 0]);
  });

  it('builds a WAV whose header sizes match its samples', () => {
    const wav = silentWav(8000, 10);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt32LE(40)).toBe(80);
    expect(wav.length).toBe(44 + 80);
  });

  it('implements exactly the conformance scenarios that apply to a stateless JSON (non-streaming) server', () => {
    expect([...conformanceTools.tools.keys()].sort()).toEqual(
      [
        'test_audio_content',
        'test_embedded_resource',
        'test_error_handling',
        'test_image_content',
        'test_multiple_content_types',
        'test_simple_text',
        'test_missing_capability',
        'test_input_required_result_elicitation',
        'test_input_required_result_sampling',
        'test_input_required_result_list_roots',
        'test_input_required_result_request_state',
        'test_input_required_result_multiple_inputs',
        'test_input_required_result_multi_round',
        'test_input_required_result_tampered_state',
        'test_input_required_result_capabilities',
      ].sort(),
    );
    expect([...(conformanceTools.resources?.keys() ?? [])].sort()).toEqual(['static_binary', 'static_text', 'template_data']);
    expect([...(conformanceTools.prompts?.keys() ?? [])].sort()).toEqual(
      ['test_input_required_result_prompt', 'test_prompt_with_arguments', 'test_prompt_with_embedded_resource', 'test_prompt_with_image', 'test_simple_prompt'].sort(),
    );
  });
});
