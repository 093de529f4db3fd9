/**
 * `DnsFirewall`: Route 53 Resolver DNS Firewall on a warden VPC. The isolated subnets have no route
 * out, but the VPC's Resolver answers any name, so a DNS query itself can carry data out
 * (`<secret>.attacker.example`, resolved by the attacker's name server). The firewall answers only
 * the AWS service names the functions (and agents inside the VPC) use — STS, KMS, CloudWatch
 * Logs, DynamoDB and execute-api of this region — and blocks every other name (NODATA), with
 * every query logged to a KMS-encrypted log group so a blocked exfiltration attempt is evidence.
 *
 * "Route 53 Resolver DNS Firewall" and "Resolver query logging" (Route 53 Developer Guide).
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as r53r from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';

export interface DnsFirewallProps {
  readonly vpc: ec2.IVpc;
  /** Name prefix of the firewall resources, `<project>-<environment>`. */
  readonly name: string;
  /** Key of the query-log group (CloudWatch Logs must be allowed to use it). */
  readonly encryptionKey: kms.IKey;
  /**
   * Further names to answer (`*.example.com` or `host.example.com`), e.g. a service your tool code calls through an endpoint.
   * @default - none
   */
  readonly allowedDomains?: readonly string[];
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The AWS service names warden's functions resolve in `region` (a token for environment-agnostic stacks). */
export function wardenServiceDomains(region: string): string[] {
  return [`sts.${region}.amazonaws.com`, `kms.${region}.amazonaws.com`, `logs.${region}.amazonaws.com`, `dynamodb.${region}.amazonaws.com`, `*.execute-api.${region}.amazonaws.com`];
}

export class DnsFirewall extends Construct {
  public readonly allowedDomains: r53r.CfnFirewallDomainList;
  public readonly ruleGroup: r53r.CfnFirewallRuleGroup;
  public readonly queryLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DnsFirewallProps) {
    super(scope, id);
    const domains = [...wardenServiceDomains(Stack.of(this).region), ...(props.allowedDomains ?? [])];
    this.allowedDomains = new r53r.CfnFirewallDomainList(this, 'AllowedDomains', { name: `${props.name}-allowed`, domains });
    const everything = new r53r.CfnFirewallDomainList(this, 'EveryDomain', { name: `${props.name}-everything`, domains: ['*'] });
    this.ruleGroup = new r53r.CfnFirewallRuleGroup(this, 'Rules', {
      name: `${props.name}-dns`,
      firewallRules: [
        { priority: 100, action: 'ALLOW', firewallDomainListId: this.allowedDomains.attrId },
        { priority: 200, action: 'BLOCK', blockResponse: 'NODATA', firewallDomainListId: everything.attrId },
      ],
    });
    new r53r.CfnFirewallRuleGroupAssociation(this, 'Association', {
      name: `${props.name}-dns`,
      firewallRuleGroupId: this.ruleGroup.attrId,
      vpcId: props.vpc.vpcId,
      // 101-9900 are the priorities open to customer rule groups
      priority: 101,
      mutationProtection: 'ENABLED',
    });
    this.queryLogGroup = new logs.LogGroup(this, 'QueryLogs', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const logging = new r53r.CfnResolverQueryLoggingConfig(this, 'QueryLogging', { name: `${props.name}-dns`, destinationArn: this.queryLogGroup.logGroupArn });
    new r53r.CfnResolverQueryLoggingConfigAssociation(this, 'QueryLoggingAssociation', { resolverQueryLogConfigId: logging.attrId, resourceId: props.vpc.vpcId });
  }
}
