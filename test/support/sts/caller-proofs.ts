/**
 * Caller proofs for tests, made by the real client signer (lib/client) with credentials the fake
 * STS issued for each principal: what an agent's transport would send.
 */
import { CallerProofSigner } from '../../../lib/client/caller-proof';
import type { FakeSts } from './fake-sts';

export class CallerProofs {
  private readonly signers = new Map<string, CallerProofSigner>();

  constructor(
    private readonly sts: FakeSts,
    private readonly options: { readonly region: string; readonly serverId: string; readonly now?: () => number },
  ) {}

  /** The proof headers `arn` would send to this server (a cached proof, as the client reuses it). */
  public async headers(arn: string, serverId = this.options.serverId): Promise<Record<string, string>> {
    let signer = this.signers.get(arn);
    if (!signer) this.signers.set(arn, (signer = new CallerProofSigner({ region: this.options.region, credentials: this.sts.issue(arn), now: this.options.now })));
    return signer.headersFor(serverId);
  }
}
