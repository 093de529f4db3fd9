/**
 * `IncidentResponseBoundary`: the permissions boundary of the incident-response roles (the state
 * machine's and the trust-lock function's). It is the warden boundary with one opening: the IAM
 * actions containment and release need (inline policy put/delete, trust update, simulate, read),
 * and only on the agent roles of this project and environment. Everything else the warden
 * boundary denies stays denied: other IAM, key administration, audit tampering, assuming roles
 * outside the deployment. A role of this boundary can contain an agent; it cannot make itself or
 * anyone else an administrator.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUDIT_TAMPERING_ACTIONS, KMS_ADMINISTRATION_ACTIONS, wardenRoleNamePattern } from '../agent-identity';
import { suppress } from '../compliance';

/** IAM actions of containment, verification and release. */
export const CONTAINMENT_IAM_ACTIONS: readonly string[] = ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:SimulatePrincipalPolicy'];

/** Services the incident-response roles call (the state machine, its tasks, logs, traces). */
export const INCIDENT_RESPONSE_SERVICES: readonly string[] = ['cloudtrail:LookupEvents', 'cloudwatch:PutMetricData', 'dynamodb:*', 'kms:*', 'lambda:InvokeFunction', 'logs:*', 's3:*', 'sns:Publish', 'states:*', 'xray:*'];

export interface IncidentResponseBoundaryProps {
  readonly project: string;
  readonly environment: string;
}

export class IncidentResponseBoundary extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: IncidentResponseBoundaryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const roles = wardenRoleNamePattern(props.project, props.environment);
    const roleArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `mcp-warden permissions boundary of ${props.project}-${props.environment} incident response: the warden boundary plus containment IAM on agent roles only`,
      statements: [
        // a boundary's Allow is a ceiling: only the services incident response uses, and of IAM
        // only the containment actions on agent roles, can ever be granted
        new iam.PolicyStatement({ sid: 'IncidentResponseServicesOnly', actions: [...INCIDENT_RESPONSE_SERVICES], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'ContainmentOnAgentRolesOnly', actions: [...CONTAINMENT_IAM_ACTIONS], resources: [roleArn(`${roles}-caller`), roleArn(`${roles}-data`)] }),
        new iam.PolicyStatement({ sid: 'NoAccountAdministration', effect: iam.Effect.DENY, actions: ['account:*', 'organizations:*'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoKeyAdministration', effect: iam.Effect.DENY, actions: [...KMS_ADMINISTRATION_ACTIONS, 'kms:CreateGrant'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoAuditTampering', effect: iam.Effect.DENY, actions: [...AUDIT_TAMPERING_ACTIONS], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'AssumeNoRoles', effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], resources: ['*'] }),
      ],
    });
    const why =
      'This is a permissions boundary: its Allow of the services incident response uses grants nothing by itself (effective permissions are the intersection with identity policies); its IAM ceiling and Deny statements are the control.';
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      suppress(this.policy, { rule: `${pack}-IAMPolicyNoStatementsWithFullAccess`, reason: why });
    }
  }
}
