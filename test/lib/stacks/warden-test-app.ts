/**
 * Fixtures for CDK tests: an App with the feature flags of cdk.json (so tests synthesize what
 * `cdk synth` does), the default manifest, and small manifests built through the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { loadManifest, type LoadedManifest } from '../../../lib/config';
import { type Manifest, manifestSchema, type ManifestInput } from '../../../lib/config/schema';

export const ROOT = join(__dirname, '..', '..', '..');
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** An App with cdk.json's context; `bundling: false` skips asset bundling for speed. */
export function newTestApp(options: { bundling?: boolean; context?: Record<string, unknown> } & Omit<AppProps, 'context'> = {}): App {
  const { bundling = false, context, ...props } = options;
  return new App({ ...props, context: { ...CDK_CONTEXT, ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context } });
}

/** The repository's warden.config.yaml, reviewed "today" = 2026-12-01 so no warning depends on the clock. */
export function defaultManifest(): LoadedManifest {
  return loadManifest(join(ROOT, 'warden.config.yaml'), { now: new Date('2026-12-01T00:00:00Z') });
}

/** A small valid manifest; override any top-level field. */
export function testManifest(overrides: Partial<ManifestInput> = {}): Manifest {
  return manifestSchema.parse({
    project: 'shop',
    environment: 'prod',
    dataClasses: ['public', 'internal', 'confidential', 'restricted'],
    datasets: [
      { name: 'catalog', class: 'public' },
      { name: 'orders', class: 'confidential' },
      { name: 'payments', class: 'restricted' },
    ],
    servers: [
      {
        name: 'commerce',
        entry: 'tools.ts',
        tools: [
          { name: 'search_products', dataset: 'catalog', access: 'read' },
          { name: 'update_price', dataset: 'catalog', access: 'write' },
          { name: 'get_order', dataset: 'orders', access: 'read' },
        ],
      },
      { name: 'payments', entry: 'payments.ts', tools: [{ name: 'get_payment', dataset: 'payments', access: 'read' }] },
    ],
    agents: [
      { name: 'reader', owner: 'a@shop.example', reviewedOn: '2026-11-01', clearance: 'internal', assumedBy: { service: 'lambda.amazonaws.com' }, tools: ['commerce/search_products'] },
      {
        name: 'writer',
        owner: 'b@shop.example',
        reviewedOn: '2026-11-01',
        clearance: 'restricted',
        assumedBy: { roleArn: 'arn:aws:iam::111122223333:role/runner' },
        tools: ['commerce/update_price', 'commerce/get_order', 'payments/get_payment'],
      },
    ],
    ...overrides,
  });
}
