/**
 * The rest of the live configuration: the MCP APIs' resource policies, the warden alarms'
 * definitions (not their state) and the kill-switch table's rows.
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { type AttributeValue, type DynamoDBClient, ResourceNotFoundException, ScanCommand } from '@aws-sdk/client-dynamodb';
import { alarmNamePrefix } from '../../../lib/alarms/alarm-name';
import { agentStatusTableName } from '../../../lib/config/deployment-names';
import { RESOURCE_KINDS } from './snapshot';
import { type Collected, type LiveScope, parsePolicyDocument, type RestApiReader } from './live-scope';
import { wardenPrefix } from './collect-iam';

/** Alarm fields that describe the alarm's state or history, not its definition. */
const ALARM_STATE_FIELDS = new Set([
  'StateValue',
  'StateReason',
  'StateReasonData',
  'StateUpdatedTimestamp',
  'StateTransitionedTimestamp',
  'AlarmConfigurationUpdatedTimestamp',
  'ActionsSuppressedBy',
  'ActionsSuppressedReason',
]);

export async function collectApis(apis: RestApiReader, scope: LiveScope, into: Collected): Promise<void> {
  const prefix = wardenPrefix(scope);
  const list = await apis.restApis();
  for (const api of list.filter((a) => a.name.startsWith(prefix) && a.name.endsWith('-mcp')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    into.resources[`${RESOURCE_KINDS.api}${api.name}`] = {
      id: api.id,
      policy: parsePolicyDocument(api.policy),
      endpointTypes: [...(api.endpointConfiguration?.types ?? [])].sort(),
      vpcEndpointIds: [...(api.endpointConfiguration?.vpcEndpointIds ?? [])].sort(),
    };
  }
}

export async function collectAlarms(cloudwatch: CloudWatchClient, scope: LiveScope, into: Collected): Promise<void> {
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: alarmNamePrefix(scope.project, scope.environment), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token }));
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!alarm.AlarmName) continue;
      const definition = Object.fromEntries(Object.entries(alarm).filter(([k, v]) => !ALARM_STATE_FIELDS.has(k) && v !== undefined));
      into.resources[`${RESOURCE_KINDS.alarm}${alarm.AlarmName}`] = JSON.parse(JSON.stringify(definition)) as unknown;
    }
    token = page.NextToken;
  } while (token);
}

/** The kill-switch rows, as DynamoDB attribute values (restored as they were). */
export async function collectKillSwitch(dynamodb: DynamoDBClient, scope: LiveScope, into: Collected): Promise<void> {
  const table = agentStatusTableName(scope.project, scope.environment);
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      // strongly consistent: a containment written a moment ago must be in the snapshot
      const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      for (const item of page.Items ?? []) {
        const agent = item.agent?.S;
        if (agent !== undefined) into.resources[`${RESOURCE_KINDS.killSwitch}${agent}`] = item;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    into.warnings.push(`dynamodb: the kill-switch table ${table} does not exist`);
  }
}
