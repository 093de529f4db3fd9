/** `warden dev` as a user runs it: a child process that prints tokens, serves, and stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { connectAgent } from '../lib/dev/mcp-client-fixture';

it('starts on a free port, prints tokens and the listening line, serves calls, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, ['bin/warden.cjs', 'dev', '--port', '0'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 60 s; stdout so far:\n${stdout}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+)\/mcp)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
  });
  child.stderr.resume();
  const url = await listening;
  expect(Number(new URL(url).port)).toBeGreaterThan(0);
  const token = /^\s+fraud-agent\s+(\S+)$/m.exec(stdout)?.[1];
  expect(token).toMatch(/^wdev_/);

  const client = await connectAgent(url.replace(/\/mcp$/, '/mcp/payments'), token);
  expect(await client.toolNames()).toEqual(['flag_payment', 'get_payment']);
  await client.close();

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 90_000);
