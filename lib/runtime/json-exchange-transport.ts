/**
 * One 2025-11-25 request served in memory: the SDK `Server` receives the message request-checks
 * already parsed and validated, and its answer comes back through `send`.
 *
 * Why not the SDK's stateless `WebStandardStreamableHTTPServerTransport` (JSON mode): per request
 * it costs a web `Request` with the message serialised again as its body, a second
 * `JSONRPCMessageSchema` parse, a `Response.json` and reading that response's stream back as
 * text, about a third of the runtime's own time per call. Everything it checks before the
 * `Server` sees the message is checked earlier here, with the same answers:
 * Accept and Content-Type (checkHttp), MCP-Protocol-Version (checkProtocolVersionHeader), JSON
 * and the JSON-RPC shape (parseMessage, which runs that same schema). What it does after is
 * what this does: a request's one response is the HTTP body; a notification gets 202 and no
 * body; anything else the server sends mid-request (progress, log messages) is dropped, as the
 * SDK drops it in JSON mode.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

/** What an exchange gives back: the response to the request, or nothing for a notification. */
export type ExchangeAnswer = { readonly kind: 'response'; readonly message: JSONRPCMessage } | { readonly kind: 'accepted' };

export class JsonExchangeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  private closed = false;
  private waiting: { readonly id: string | number; readonly resolve: (message: JSONRPCMessage) => void } | undefined;

  async start(): Promise<void> {}

  /** Hands `message` to the connected server; resolves with its response (a request) or at once (a notification). */
  exchange(message: Record<string, unknown>): Promise<ExchangeAnswer> {
    if (this.closed) return Promise.reject(new Error('the exchange is closed'));
    const id = message.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      this.onmessage?.(message as JSONRPCMessage);
      return Promise.resolve({ kind: 'accepted' });
    }
    const answered = new Promise<ExchangeAnswer>((resolve) => {
      this.waiting = { id, resolve: (response) => resolve({ kind: 'response', message: response }) };
    });
    this.onmessage?.(message as JSONRPCMessage);
    return answered;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const waiting = this.waiting;
    // only the response to the request in hand; notifications and requests to the client have nowhere to go
    if (!waiting || !('id' in message) || message.id !== waiting.id || !('result' in message || 'error' in message)) return;
    this.waiting = undefined;
    waiting.resolve(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiting = undefined;
    this.onclose?.();
  }
}
