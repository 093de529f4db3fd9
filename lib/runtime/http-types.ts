/**
 * The transport-neutral HTTP shapes the MCP handler speaks. The dev server adapts Node's
 * http to them; the Lambda handler adapts API Gateway events (whose results have the same
 * `{ statusCode-ish, headers, body }` shape).
 */
export interface HttpRequestLike {
  readonly method: string;
  /** Header names in any case. */
  readonly headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Raw body (API Gateway: decode base64 first). */
  readonly body?: string | Uint8Array | null;
  /** Used only to give the SDK a URL. @default 'http://localhost/mcp' */
  readonly url?: string;
}

export interface HttpResponseLike {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Case-insensitive header read that works for both shapes; repeated headers are joined with ", ". */
export function headerOf(headers: HttpRequestLike['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    // events built by hand (or a proxy) may carry numbers; never let a header's type throw
    return typeof value === 'string' ? value : Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return undefined;
}
