/**
 * Secrets shared by every instance of one MCP server function, and by no other server: each is
 * derived from the server's KMS HMAC key (`McpServer.serverKey`, HMAC_256) as
 * `HMAC(serverKey, "mcp-warden/<purpose>/v1")` with kms:GenerateMac. HMAC is deterministic, so
 * every Lambda instance derives the same bytes with one KMS call on first use, while the key
 * material never leaves KMS and only this server's function role may call GenerateMac on it.
 *
 * Purposes are separate keys (domain separation): `request-state` seals input_required state
 * (lib/runtime/request-state.ts); other features (e.g. approvals) derive their own purpose.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import { SERVER_KEY_MAC_ALGORITHM } from './runtime-env';

type KmsModule = typeof import('@aws-sdk/client-kms');
/** Loaded on the first derivation only: a cold start that never seals a requestState does not pay for the KMS client. */
const kmsModule = (): KmsModule => require('@aws-sdk/client-kms') as KmsModule;

/** What a derived secret is for; each purpose gets its own bytes. */
export type ServerKeyPurpose = 'request-state' | (string & {});

export interface ServerKeysOptions {
  /** @default - a KMS client in the Lambda's region, created on first use */
  readonly client?: Pick<KMSClient, 'send'>;
  /** Id or ARN of the server's HMAC key (`RUNTIME_ENV.serverKey`). */
  readonly keyId: string;
}

/** The label a purpose is derived from. */
export function derivationLabel(purpose: ServerKeyPurpose): string {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(purpose)) throw new Error(`server key purpose "${purpose}" must be lower-case letters, digits and hyphens`);
  return `mcp-warden/${purpose}/v1`;
}

export class ServerKeys {
  private readonly derived = new Map<string, Promise<Uint8Array>>();
  private client?: Pick<KMSClient, 'send'>;

  constructor(private readonly options: ServerKeysOptions) {}

  /**
   * The 32-byte secret of `purpose`, derived once per process. A failed KMS call is not
   * remembered: the next caller tries again (the request that failed gets an error, not a
   * secret of another instance's choosing).
   */
  public derive(purpose: ServerKeyPurpose): Promise<Uint8Array> {
    const label = derivationLabel(purpose);
    let pending = this.derived.get(label);
    if (!pending) {
      pending = this.generateMac(label);
      this.derived.set(label, pending);
      pending.catch(() => this.derived.delete(label));
    }
    return pending;
  }

  private async generateMac(label: string): Promise<Uint8Array> {
    const kms = kmsModule();
    this.client ??= this.options.client ?? new kms.KMSClient({});
    const out = await this.client.send(new kms.GenerateMacCommand({ KeyId: this.options.keyId, MacAlgorithm: SERVER_KEY_MAC_ALGORITHM, Message: new TextEncoder().encode(label) }));
    if (!out.Mac || out.Mac.length < 32) throw new Error(`kms:GenerateMac on the server key returned no 32-byte MAC for "${label}"`);
    return out.Mac;
  }
}
