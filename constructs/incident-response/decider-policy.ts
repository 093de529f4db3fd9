/**
 * `IncidentDeciderPolicy`: what `warden incident` and `warden drill` need, as a managed policy on
 * the MFA-gated admin role (WardenAdminRole), the one human principal that may start the
 * incident-response state machine and answer its waits. Everything is named, not referenced
 * (incidentStateMachineName, incidentsTableName), so the policy can live in the stack of the
 * role while the state machine lives in its own.
 *
 * Starting is decision power too: a `mode: release` execution releases an agent, so
 * states:StartExecution on this machine belongs to this role (and to the alarm rule and the drill
 * schedule, whose inputs are fixed) only.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { incidentsTableName, incidentStateMachineName } from '../../lib/config/deployment-names';
import { suppress, wildcardResourceFinding } from '../compliance';

export interface IncidentDeciderPolicyProps {
  readonly project: string;
  readonly environment: string;
  /** The admin role (WardenAdminRole.role). */
  readonly role: iam.IRole;
}

export class IncidentDeciderPolicy extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: IncidentDeciderPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { project, environment } = props;
    const machineName = incidentStateMachineName(project, environment);
    const stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: machineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const table = incidentsTableName(project, environment);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `mcp-warden ${project}-${environment}: start incidents and drills, read incidents, send decisions (warden incident, warden drill)`,
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({ sid: 'StartIncidentsAndDrills', actions: ['states:StartExecution'], resources: [stateMachineArn] }),
        // the actions of StateMachine.grantTaskResponse
        new iam.PolicyStatement({ sid: 'SendDecisions', actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: [stateMachineArn] }),
        new iam.PolicyStatement({ sid: 'FollowExecutions', actions: ['states:ListExecutions'], resources: [stateMachineArn] }),
        new iam.PolicyStatement({ sid: 'DescribeExecutions', actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [executions] }),
        new iam.PolicyStatement({ sid: 'ReadIncidents', actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query'], resources: [stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: table })] }),
        // both keys are the incident-response key, usable only through the service and for this machine or table
        new iam.PolicyStatement({
          sid: 'IncidentsKeyThroughDynamoDb',
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': table } },
        }),
        new iam.PolicyStatement({
          sid: 'StateMachineKeyThroughStepFunctions',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `states.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArn } },
        }),
      ],
    });
    suppress(this.policy, {
      rule: 'AwsSolutions-IAM5',
      reason:
        'Executions are named per incident (the incident id), so they are matched under this state machine only; the incident-response key is used only through DynamoDB for the incidents table and through Step Functions for this state machine (kms:ViaService and encryption-context conditions).',
      appliesTo: ['Resource::*', wildcardResourceFinding(this, executions)],
    });
  }
}
