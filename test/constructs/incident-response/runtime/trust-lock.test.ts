import { GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { lockedTrust, TRUST_LOCK_SID, trustLock } from '../../../../constructs/incident-response/runtime/trust-lock';
import { evaluate, RequestContext } from '../../../support/iam';
import { FakeAccount } from '../fake-account';

function setup() {
  const account = new FakeAccount({});
  account.addRole('shop-prod-a-caller', []);
  account.addRole('shop-prod-a-data', []);
  const route = (action: string) => (input: object) => account.call('iam', action, input as Record<string, unknown>);
  mockClient(IAMClient).on(GetRoleCommand).callsFake(route('getRole')).on(UpdateAssumeRolePolicyCommand).callsFake(route('updateAssumeRolePolicy'));
  return { account, iam: new IAMClient({}) };
}

const mayAssume = (account: FakeAccount, role: string) =>
  evaluate({
    principal: { arn: 'ecs-tasks.amazonaws.com', account: '111122223333', service: 'ecs-tasks.amazonaws.com' },
    action: 'sts:AssumeRole',
    resource: `arn:aws:iam::111122223333:role/${role}`,
    context: new RequestContext(),
    identityPolicies: [],
    resourcePolicy: { name: 'trust', document: account.roles.get(role)!.trust },
    resourcePolicyRequired: true,
  }).decision;

describe('trust lock', () => {
  it('refuses every new session of a locked role and gives the trust back unchanged on unlock', async () => {
    const { account, iam } = setup();
    const before = structuredClone(account.roles.get('shop-prod-a-caller')!.trust);
    expect(mayAssume(account, 'shop-prod-a-caller')).toBe('allow');
    expect(await trustLock(iam, { action: 'lock', roleNames: ['shop-prod-a-caller', 'shop-prod-a-data'] })).toEqual({ action: 'lock', changed: ['shop-prod-a-caller', 'shop-prod-a-data'], unchanged: [] });
    expect(mayAssume(account, 'shop-prod-a-caller')).toBe('explicit-deny');
    expect(mayAssume(account, 'shop-prod-a-data')).toBe('explicit-deny');
    await trustLock(iam, { action: 'unlock', roleNames: ['shop-prod-a-caller', 'shop-prod-a-data'] });
    expect(account.roles.get('shop-prod-a-caller')!.trust).toEqual(before);
    expect(mayAssume(account, 'shop-prod-a-caller')).toBe('allow');
  });

  it('is idempotent: a retried lock or a second unlock changes nothing', async () => {
    const { account, iam } = setup();
    await trustLock(iam, { action: 'lock', roleNames: ['shop-prod-a-caller'] });
    expect(await trustLock(iam, { action: 'lock', roleNames: ['shop-prod-a-caller'] })).toMatchObject({ changed: [], unchanged: ['shop-prod-a-caller'] });
    await trustLock(iam, { action: 'unlock', roleNames: ['shop-prod-a-caller'] });
    expect(await trustLock(iam, { action: 'unlock', roleNames: ['shop-prod-a-caller'] })).toMatchObject({ changed: [], unchanged: ['shop-prod-a-caller'] });
    expect(account.callsOf('iam', 'updateAssumeRolePolicy')).toHaveLength(2);
  });

  it('keeps the statements it did not add, including a single-statement trust', () => {
    const single = { Version: '2012-10-17', Statement: { Sid: 'Runtime', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' } };
    const locked = lockedTrust(single, 'lock')!;
    expect(locked.Statement).toEqual([single.Statement, expect.objectContaining({ Sid: TRUST_LOCK_SID, Effect: 'Deny', Principal: '*' })]);
    expect(lockedTrust(locked, 'unlock')!.Statement).toEqual([single.Statement]);
  });

  it('fails on an unknown role, so the state machine notifies', async () => {
    const { iam } = setup();
    await expect(trustLock(iam, { action: 'lock', roleNames: ['shop-prod-nobody-caller'] })).rejects.toThrow(/cannot be found/);
  });
});
