/**
 * `GET /restapis` of the API Gateway control plane, signed with SigV4. The kit bundles no API
 * Gateway SDK client, and this one read-only call is all a backup needs of it.
 */
import { createSigV4Fetch, type SigV4Credentials } from '../../../lib/client/sigv4-fetch';
import type { RestApiReader, RestApiSummary } from './live-scope';

interface RestApisPage {
  readonly item?: RestApiSummary[];
  readonly items?: RestApiSummary[];
  readonly position?: string;
}

export function apiGatewayReader(region: string, credentials?: SigV4Credentials, send?: typeof fetch): RestApiReader {
  const signed = createSigV4Fetch({ service: 'apigateway', region, ...(credentials ? { credentials } : {}), ...(send ? { fetch: send } : {}) });
  return {
    async restApis() {
      const out: RestApiSummary[] = [];
      let position: string | undefined;
      do {
        const url = new URL(`https://apigateway.${region}.amazonaws.com/restapis`);
        url.searchParams.set('limit', '500');
        if (position) url.searchParams.set('position', position);
        const response = await signed(url, { method: 'GET', headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`apigateway GET /restapis: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
        const page = (await response.json()) as RestApisPage;
        out.push(...(page.item ?? page.items ?? []));
        position = page.position;
      } while (position);
      return out;
    },
  };
}
