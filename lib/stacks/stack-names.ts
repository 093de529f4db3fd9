/** `<project>-<environment>-<part>`, e.g. `shop-prod-data`; shards add `-2`, `-3`, ... */
export function wardenStackName(project: string, environment: string, part: string, shard = 0): string {
  return `${project}-${environment}-${part}${shard === 0 ? '' : `-${shard + 1}`}`;
}
