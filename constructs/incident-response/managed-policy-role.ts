/**
 * An IAM role whose policy statements (its own and every `grant*()`, including the ones Step
 * Functions tasks, event targets and schedules add) go into one customer-managed policy instead
 * of CDK's inline default policy: warden roles carry no inline policies (NIST 800-53 AC-6,
 * IAMNoInlinePolicy), and a managed policy is versioned and listable on its own.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

export class ManagedPolicyRole extends iam.Role {
  private managedPolicy?: iam.ManagedPolicy;

  /** The managed policy holding the role's statements (created with the first one). */
  public get policy(): iam.ManagedPolicy | undefined {
    return this.managedPolicy;
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.managedPolicy ??= new iam.ManagedPolicy(this, 'Policy', { roles: [this], description: `statements of ${this.node.path}` });
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
