import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance, NagRules } from 'cdk-nag';
import { CLASS_TAG, tagsOf } from './resource-tags';

/**
 * Compliant: a DynamoDB table tagged `warden:class` is encrypted with a customer-managed KMS key
 * (SSEType KMS and a KMSMasterKeyId other than the AWS-managed `alias/aws/dynamodb`), so access
 * to its data needs the class key too, and the key policy and CloudTrail can enforce and show it.
 */
export function ClassifiedTableUsesCmk(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnTable) || tagsOf(node)[CLASS_TAG] === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  // L1 properties resolve in their camelCase (pre-render) form.
  const sse = Stack.of(node).resolve(node.sseSpecification) as { sseEnabled?: unknown; sseType?: unknown; kmsMasterKeyId?: unknown } | undefined;
  if (!sse) return NagRuleCompliance.NON_COMPLIANT;
  const enabled = NagRules.resolveIfPrimitive(node, sse.sseEnabled);
  const type = NagRules.resolveIfPrimitive(node, sse.sseType);
  if (enabled !== true || type !== 'KMS' || sse.kmsMasterKeyId === undefined) return NagRuleCompliance.NON_COMPLIANT;
  const key = sse.kmsMasterKeyId;
  if (typeof key === 'string' && /(^|:)alias\/aws\//.test(key)) return NagRuleCompliance.NON_COMPLIANT;
  return NagRuleCompliance.COMPLIANT;
}
