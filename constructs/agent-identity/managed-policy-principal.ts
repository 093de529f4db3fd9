/**
 * A role's principal whose `grant*` statements go into a customer-managed policy attached to the
 * role instead of CDK's inline default policy. Warden roles carry no inline policies
 * (NIST 800-53 AC-6, IAMNoInlinePolicy): managed policies are versioned, reviewable and
 * listable on their own.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

export class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly assumeRoleAction: string;

  /** `policy` is created on the first statement, so a role without grants has no empty policy. */
  constructor(
    private readonly role: iam.IRole,
    private readonly policy: () => iam.ManagedPolicy,
  ) {
    this.assumeRoleAction = role.grantPrincipal.assumeRoleAction;
  }

  public get grantPrincipal(): iam.IPrincipal {
    return this;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.grantPrincipal.policyFragment;
  }

  public get principalAccount(): string | undefined {
    return this.role.grantPrincipal.principalAccount;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const policy = this.policy();
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy };
  }
}
