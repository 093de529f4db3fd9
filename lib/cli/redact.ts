/**
 * `warden redact --clearance CLASS [--config F] [--jsonl]`: the guard's redaction engine on
 * stdin, for trying the rules on real data before deploying them.
 * - text mode: all of stdin, redacted, to stdout; clean input comes back byte for byte.
 * - `--jsonl`: streams lines `{"id": …, "text": "…"}` → `{"id": …, "text": "…", "redactions": {…}}`,
 *   in order; a bad line becomes `{"line": N, "error": "…"}` and the exit code is 1.
 * Exit 2: unknown clearance or unreadable manifest.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_MANIFEST_FILE, loadManifest, ManifestError } from '../config';
import { clearanceRank, redact, redactionPolicy, type RedactionPolicy } from '../guard/redact';

export interface RedactCliOptions {
  readonly clearance: string;
  readonly config: string;
  readonly jsonl?: boolean;
}

export function registerRedact(program: Command): void {
  program
    .command('redact')
    .description('redact stdin as the guard would for an agent with the given clearance')
    .requiredOption('--clearance <class>', 'the data class the reader is cleared for (one of the manifest dataClasses)')
    .option('--config <file>', 'the manifest that defines data classes and guard.redaction', DEFAULT_MANIFEST_FILE)
    .option('--jsonl', 'stream JSON lines {"id", "text"} and write {"id", "text", "redactions"} per line')
    .action(async (options: RedactCliOptions) => {
      process.exitCode = await runRedact(options, process.stdin, process.stdout, process.stderr);
    });
}

/** Runs the command on the given streams; resolves to the exit code. */
export async function runRedact(options: RedactCliOptions, input: Readable, output: Writable, errors: Writable): Promise<number> {
  let policy: RedactionPolicy;
  try {
    policy = redactionPolicy(loadManifest(options.config).manifest);
    clearanceRank(policy, options.clearance);
  } catch (err) {
    const message = err instanceof ManifestError ? `invalid manifest ${options.config}:\n${err.message}` : (err as Error).message;
    errors.write(`warden redact: ${message}${err instanceof ManifestError ? '' : ` (from ${options.config})`}\n`);
    return 2;
  }
  return options.jsonl ? redactLines(input, output, options.clearance, policy) : redactAll(input, output, options.clearance, policy);
}

async function redactAll(input: Readable, output: Writable, clearance: string, policy: RedactionPolicy): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const bytes = Buffer.concat(chunks);
  // Input that is not valid UTF-8 (binary-ish logs) is read as latin1, which maps every byte to
  // one character and back, so what is not redacted is written back exactly as it came.
  const utf8 = bytes.toString('utf8');
  const encoding: BufferEncoding = Buffer.byteLength(utf8) === bytes.length && Buffer.from(utf8).equals(bytes) ? 'utf8' : 'latin1';
  const text = encoding === 'utf8' ? utf8 : bytes.toString('latin1');
  const result = redact(text, clearance, policy);
  await write(output, result.text === text ? bytes : Buffer.from(result.text, encoding));
  return 0;
}

async function redactLines(input: Readable, output: Writable, clearance: string, policy: RedactionPolicy): Promise<number> {
  let failed = false;
  let lineNumber = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let out: Record<string, unknown>;
    try {
      out = redactLine(line, clearance, policy);
    } catch (err) {
      failed = true;
      out = { line: lineNumber, ...idOf(line), error: (err as Error).message };
    }
    await write(output, `${JSON.stringify(out)}\n`);
  }
  return failed ? 1 : 0;
}

function redactLine(line: string, clearance: string, policy: RedactionPolicy): Record<string, unknown> {
  let item: unknown;
  try {
    item = JSON.parse(line);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message}); each line must be an object like {"id": 1, "text": "..."}`);
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error('each line must be a JSON object like {"id": 1, "text": "..."}');
  const { id, text } = item as { id?: unknown; text?: unknown };
  if (typeof text !== 'string') throw new Error(`"text" must be a string, got ${text === undefined ? 'nothing' : typeof text}`);
  const result = redact(text, clearance, policy);
  return { id, text: result.text, redactions: result.counts };
}

/** The id of a bad line when it can be read, so the error can be matched to its input. */
function idOf(line: string): { id?: unknown } {
  try {
    const item: unknown = JSON.parse(line);
    if (typeof item === 'object' && item !== null && 'id' in item) return { id: (item as { id: unknown }).id };
  } catch {
    // not JSON: the line number is all there is
  }
  return {};
}

/** Writes with backpressure, so a slow reader of stdout does not make us buffer everything. */
function write(output: Writable, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = output.write(data, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else output.once('drain', resolve);
  });
}
