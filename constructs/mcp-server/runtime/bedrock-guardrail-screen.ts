/**
 * `guard.injection.engine: bedrock-guardrails`: Amazon Bedrock Guardrails' prompt-attack filter
 * as the argument screen's second engine, through `ApplyGuardrail` (source INPUT, every text a
 * `guard_content` block, so the filter judges it as user input). The guard bounds the call with
 * `guard.injection.bedrock.timeoutMs` and applies `onUnavailable` when it fails; this adapter
 * only asks and reads the answer. In a VPC Lambda the call goes through the bedrock-runtime
 * interface endpoint (the function has no internet route).
 */
import { ApplyGuardrailCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { InjectionEngine } from '../../../lib/guard/contract';

export interface BedrockGuardrailScreenOptions {
  readonly client: BedrockRuntimeClient;
  readonly guardrailId: string;
  readonly guardrailVersion: string;
}

export class BedrockGuardrailScreen implements InjectionEngine {
  public readonly name = 'bedrock-guardrails';

  constructor(private readonly options: BedrockGuardrailScreenOptions) {}

  public async screen(texts: readonly { readonly path: string; readonly text: string }[], signal: AbortSignal): Promise<{ flagged: boolean; detail?: string }> {
    const out = await this.options.client.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: this.options.guardrailId,
        guardrailVersion: this.options.guardrailVersion,
        source: 'INPUT',
        content: texts.map((t) => ({ text: { text: t.text, qualifiers: ['guard_content'] } })),
      }),
      { abortSignal: signal },
    );
    // only the prompt-attack filter decides here: the guardrail's other policies (topics, words,
    // PII) are the business of whoever configured it, and redaction is the guard's own
    const attacks = (out.assessments ?? []).flatMap((a) => (a.contentPolicy?.filters ?? []).filter((f) => f.type === 'PROMPT_ATTACK' && (f.action === 'BLOCKED' || f.detected === true)));
    if (out.action !== 'GUARDRAIL_INTERVENED' || attacks.length === 0) return { flagged: false };
    const confidence = attacks.map((f) => f.confidence).filter(Boolean).join(', ');
    return { flagged: true, detail: `prompt attack${confidence ? ` (confidence ${confidence})` : ''}` };
  }
}
