/**
 * `warden dev` (`npm run dev`): the MCP runtime locally with in-memory sample data.
 * Prints each agent's bearer token, then exactly `listening on http://127.0.0.1:PORT/mcp`
 * (scripts wait for that line). Ctrl-C / SIGTERM close the server and exit 0.
 */
import type { Command } from 'commander';
import { DEFAULT_MANIFEST_FILE } from '../config';
import { startDevServer, type DevServer } from '../dev';

interface DevCliOptions {
  readonly config: string;
  readonly port: string;
  readonly agent?: string;
  readonly audit?: string;
  readonly approver?: string[];
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run the MCP servers locally on http://127.0.0.1:PORT/mcp with the real guard and in-memory sample data')
    .option('--config <file>', 'the manifest', DEFAULT_MANIFEST_FILE)
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '8787')
    .option('--agent <name>', 'act as this agent when a request has no bearer token')
    .option('--audit <file>', 'append audit events (JSON lines) to this file instead of stderr')
    .option('--approver <arn...>', 'also mint an approver token for this principal ARN (besides one per approvers entry of the manifest)')
    .action(async (options: DevCliOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535 (got "${options.port}")`);
      const server = await startDevServer({ config: options.config, port, agent: options.agent, audit: options.audit ? { file: options.audit } : 'stderr', ...(options.approver ? { approvers: options.approver } : {}) });
      process.stdout.write(banner(server, options));
      process.stdout.write(`listening on ${server.url}\n`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

function banner(server: DevServer, options: DevCliOptions): string {
  const { manifest } = server;
  const width = Math.max(...Object.keys(server.tokens).map((a) => a.length));
  const [first] = Object.keys(server.urls);
  return [
    `mcp-warden dev: ${manifest.project}/${manifest.environment} from ${options.config} (in-memory sample data, real guard)`,
    'endpoints (Streamable HTTP, stateless, POST only):',
    ...Object.entries(server.urls).map(([name, url]) => `  ${name.padEnd(12)} ${url}${name === first ? `   (also ${server.url})` : ''}`),
    'agent tokens, valid for this run only — send "Authorization: Bearer <token>":',
    ...Object.entries(server.tokens).map(([agent, token]) => `  ${agent.padEnd(width)}  ${token}`),
    options.agent ? `requests without a token act as ${options.agent}` : 'requests without a token are refused (start with --agent NAME to allow them)',
    `audit events: ${options.audit ?? 'stderr'} (JSON lines)`,
    ...approverLines(server),
    '',
  ].join('\n');
}

/** The approver tokens: each stands for an identity the manifest's approvers name (docs/approvals.md). */
function approverLines(server: DevServer): string[] {
  if (server.approvals.approvers.length === 0) return [];
  return [
    `approvals: held calls are decided with \`npx warden approve|deny ID --dev http://127.0.0.1:${server.port} --token <approver token>\` (docs/approvals.md); approver tokens:`,
    ...server.approvals.approvers.map((a) => `  ${a.token}  ${a.identity} (approves ${a.decides.join(', ') || 'no tool'})`),
  ];
}
