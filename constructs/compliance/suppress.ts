/**
 * The one way to suppress a compliance finding in mcp-warden.
 *
 * Every suppression names one resource, one rule (optionally narrowed to exact findings) and a
 * reason a reviewer can judge. It is recorded twice: as a CDK acknowledgment (so the validation
 * report keeps the reason under `suppressedViolations`) and in a registry that
 * `listSuppressions()` reads for the compliance report. Whole stacks and apps are refused: a
 * blanket suppression would silently cover resources added later.
 */
import { Stack, Stage, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Names of the rule packs (the `name` each plugin reports), which namespace acknowledgments. */
export const KNOWN_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'NIST.800.53.R4', 'PCI.DSS.321', 'HIPAA.Security', 'Serverless', 'McpWarden'] as const;

export interface Suppression {
  /** The rule id as the pack reports it, e.g. `AwsSolutions-IAM5` or `NIST.800.53.R5-IAMNoInlinePolicy`. */
  readonly rule: string;
  /** Why this resource is compliant in substance anyway: at least 20 characters and four words. */
  readonly reason: string;
  /**
   * Narrow a granular rule (such as AwsSolutions-IAM5) to these findings, e.g.
   * `Resource::arn:<AWS::Partition>:dynamodb:...:table/t/index/*`.
   * @default - the whole rule on this resource
   */
  readonly appliesTo?: readonly string[];
}

export interface SuppressionRecord {
  /** Construct path of the suppressed resource. */
  readonly path: string;
  readonly rule: string;
  /** The namespaced id given to `Validations.acknowledge`, e.g. `AwsSolutions::AwsSolutions-IAM5[Action::*]`. */
  readonly acknowledgedId: string;
  readonly reason: string;
  readonly finding?: string;
}

const MIN_REASON_CHARS = 20;
const MIN_REASON_WORDS = 4;
/** Reasons that say nothing about why the resource is safe. */
const BOILERPLATE = /^(ok(ay)?|n\/?a|none|todo|tbd|fixme|false positive|not (applicable|needed|required)|suppressed?|ignored?|test(ing)?|temporary|later|wip|as designed|by design|known issue|accepted)[.!]*$/i;

const registry = new WeakMap<IConstruct, SuppressionRecord[]>();

/** Suppresses one rule on one resource (construct) with a reason; see the file comment. */
export function suppress(construct: IConstruct, suppression: Suppression): void {
  const where = construct?.node?.path || '(root)';
  if (Stage.isStage(construct) || Stack.isStack(construct)) {
    throw new Error(
      `suppress(${where}, ${suppression.rule}): refusing to suppress on a whole ${Stage.isStage(construct) ? 'app or stage' : 'stack'}. ` +
        'Pass the resource that has the finding (e.g. the role or its policy), so resources added later are still checked.',
    );
  }
  const pack = packOf(suppression.rule, where);
  checkReason(suppression.reason, suppression.rule, where);
  if (suppression.appliesTo !== undefined && suppression.appliesTo.length === 0) {
    throw new Error(`suppress(${where}, ${suppression.rule}): appliesTo is empty; list the findings to suppress, or leave it out to suppress the rule on this resource.`);
  }
  const reason = suppression.reason.trim();
  const findings = suppression.appliesTo ?? [undefined];
  const records = registry.get(construct) ?? [];
  for (const finding of findings) {
    const ruleId = finding === undefined ? suppression.rule : `${suppression.rule}[${finding}]`;
    // The `Pack::` namespace makes CDK (not the pack) match the finding, which keeps the reason in
    // cdk.out/validation-report.json; an un-namespaced id would be dropped silently by cdk-nag.
    const acknowledgedId = `${pack}::${ruleId}`;
    Validations.of(construct).acknowledge({ id: acknowledgedId, reason });
    records.push({ path: construct.node.path, rule: suppression.rule, acknowledgedId, reason, ...(finding === undefined ? {} : { finding }) });
  }
  registry.set(construct, records);
}

/** Every suppression made with `suppress()` in `scope` and below, in construct-tree order. */
export function listSuppressions(scope: IConstruct): SuppressionRecord[] {
  return scope.node.findAll().flatMap((c) => registry.get(c) ?? []);
}

function packOf(rule: string, where: string): string {
  if (typeof rule !== 'string' || rule.trim() === '') {
    throw new Error(`suppress(${where}): a rule id is required, e.g. { rule: 'AwsSolutions-IAM5', reason: '...' }`);
  }
  // Longest match first, so 'NIST.800.53.R5' wins over any shorter prefix.
  const pack = [...KNOWN_PACKS].sort((a, b) => b.length - a.length).find((p) => rule.startsWith(`${p}-`) && rule.length > p.length + 1);
  if (!pack || rule.includes('::') || /[\s[\]]/.test(rule)) {
    throw new Error(
      `suppress(${where}): "${rule}" is not a rule id of a known pack. Use the id as the finding reports it, ` +
        `<Pack>-<Rule> with Pack one of ${KNOWN_PACKS.join(', ')} (e.g. AwsSolutions-IAM5); narrow it with appliesTo, not with [..] in the id.`,
    );
  }
  return pack;
}

function checkReason(reason: string, rule: string, where: string): void {
  const text = typeof reason === 'string' ? reason.trim() : '';
  const words = text.split(/\s+/).filter((w) => /[A-Za-z]{2,}/.test(w));
  if (text.length < MIN_REASON_CHARS || words.length < MIN_REASON_WORDS || BOILERPLATE.test(text)) {
    throw new Error(
      `suppress(${where}, ${rule}): the reason "${text}" is too thin. Say why this resource is safe despite the rule ` +
        `(at least ${MIN_REASON_CHARS} characters and ${MIN_REASON_WORDS} words, e.g. which control covers the risk); it goes into the compliance report.`,
    );
  }
}
