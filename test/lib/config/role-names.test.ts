import { agentRoleNames, IAM_ROLE_NAME_MAX } from '../../../lib/config';
import { roleNameLengthProblem } from '../../../lib/config/role-names';

describe('agent role names', () => {
  it('names the caller and data roles <project>-<environment>-<agent>-caller and -data', () => {
    expect(agentRoleNames('shop', 'prod', 'support-agent')).toEqual({ caller: 'shop-prod-support-agent-caller', data: 'shop-prod-support-agent-data' });
  });

  it('accepts names up to the 64-character IAM limit', () => {
    const agent = 'a'.repeat(IAM_ROLE_NAME_MAX - 'shop-prod--caller'.length);
    expect(agentRoleNames('shop', 'prod', agent).caller).toHaveLength(64);
    expect(roleNameLengthProblem('shop', 'prod', agent)).toBeUndefined();
  });

  it('says how far over the limit a name is and to shorten its longest part', () => {
    expect(roleNameLengthProblem('a-very-long-proj', 'environment1', 'a-thirty-two-character-agent-nam')).toBe(
      'IAM role name "a-very-long-proj-environment1-a-thirty-two-character-agent-nam-caller" is 69 characters, 5 over the 64-character limit — shorten the agent name "a-thirty-two-character-agent-nam" (32 characters) by at least 5, or the project or the environment',
    );
  });

  it('points at the project when the project is the longest part', () => {
    const project = 'p'.repeat(50);
    expect(roleNameLengthProblem(project, 'prod', 'agent')).toBe(
      `IAM role name "${project}-prod-agent-caller" is 68 characters, 4 over the 64-character limit — shorten the project "${project}" (50 characters) by at least 4, or the agent name or the environment`,
    );
  });
});
