/**
 * Splitting agents across identity stacks. CloudFormation allows 500 resources and a 1 MB
 * template per stack (CloudFormation User Guide, "quotas"); an agent costs 3 resources (two
 * roles and the data policy; invoke grants live in the servers stack, one policy per server), so
 * 100 agents per stack keep a stack near 300 resources with room for later additions.
 *
 * Agents are placed in manifest order: append new agents at the end so existing agents stay in
 * their stack (moving a named role between stacks would delete and re-create it).
 */
export const DEFAULT_AGENTS_PER_STACK = 100;

/** The most agents one identity stack may hold (4 resources each, plus the boundary, under 500). */
export const MAX_AGENTS_PER_STACK = 120;

export function shard<T>(items: readonly T[], perShard: number): T[][] {
  if (!Number.isInteger(perShard) || perShard < 1 || perShard > MAX_AGENTS_PER_STACK) {
    throw new Error(`agentsPerStack must be a whole number from 1 to ${MAX_AGENTS_PER_STACK} (got ${perShard}); more would exceed CloudFormation's 500 resources per stack.`);
  }
  const shards: T[][] = [];
  for (let i = 0; i < items.length; i += perShard) shards.push(items.slice(i, i + perShard));
  return shards;
}
