/**
 * The benchmark's sized tool: `export_catalog` returns a catalog page whose JSON text is about
 * `kb` KB (no value any detector redacts; the runtime also sends it as structuredContent), so the end-to-end benchmark can compare the warden and a bare
 * server at 2 KB, 16 KB and 256 KB on the same tool code. Deterministic: the same `kb` gives the
 * same bytes on both servers. Served next to the example shop's commerce tools.
 */
import { z } from 'zod';
import shopTools from '../examples/shop/tools';
import type { Manifest } from '../lib/config/schema';
import { defineTool, type ToolSet } from '../lib/runtime';

export const PAYLOAD_TOOL = 'export_catalog';

function product(i: number): Record<string, unknown> {
  return {
    sku: `SKU-${10001 + i}`,
    name: `Trail shoe model ${i % 50}`,
    category: i % 3 ? 'footwear' : 'outdoor',
    price: 40 + (i % 90) + 0.99,
    stock: [{ warehouse: `wh-${1 + (i % 4)}`, units: (i * 7) % 120 }],
    tags: ['waterproof', i % 2 ? 'men' : 'women'],
  };
}

const pages = new Map<number, { products: Record<string, unknown>[] }>();

/** The first products whose result text (indented JSON, as the runtime writes it) is at most `bytes` long. */
export function catalogOf(bytes: number): { products: Record<string, unknown>[] } {
  let page = pages.get(bytes);
  if (page) return page;
  const products: Record<string, unknown>[] = [];
  // each product sits two levels deep in the indented text
  let size = 20;
  for (let i = 0; ; i++) {
    const next = product(i);
    size += JSON.stringify({ products: [next] }, null, 2).length - 20;
    if (size > bytes && products.length > 0) break;
    products.push(next);
  }
  page = { products };
  pages.set(bytes, page);
  return page;
}

const exportCatalog = defineTool({
  name: PAYLOAD_TOOL,
  description: 'A page of the product catalog of about `kb` kilobytes (benchmark).',
  input: z.strictObject({ kb: z.number().int().min(1).max(512) }),
  // deterministic and built once per size: what is timed is serving it, not building it
  handler: ({ kb }) => catalogOf(kb * 1024),
});

/** The shop's commerce tools plus export_catalog. */
export const benchCommerceTools: ToolSet = { ...shopTools, tools: new Map([...shopTools.tools, [PAYLOAD_TOOL, exportCatalog]]) };

/** The manifest with export_catalog declared on commerce (catalog, read) and given to `agent`, rate limits out of the way. */
export function benchManifest(manifest: Manifest, agent: string): Manifest {
  return {
    ...manifest,
    servers: manifest.servers.map((s) => (s.name === 'commerce' ? { ...s, tools: [...s.tools, { name: PAYLOAD_TOOL, dataset: 'catalog', access: 'read' as const, description: 'A sized page of the catalog (benchmark)' }] } : s)),
    agents: manifest.agents.map((a) => ({ ...a, rateLimit: { perMinute: 1_000_000 }, tools: a.name === agent ? [...a.tools, `commerce/${PAYLOAD_TOOL}`] : a.tools })),
  };
}
