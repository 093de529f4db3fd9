/**
 * The region an API Gateway URL points at. Both public (`{api}.execute-api.{region}.amazonaws.com`)
 * and private-endpoint (`{api}-{vpce}.execute-api.{region}.vpce.amazonaws.com`) host names carry it,
 * so agents need not repeat it.
 */
const EXECUTE_API_HOST = /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

export function regionFromExecuteApiUrl(url: URL | string): string | undefined {
  const host = (typeof url === 'string' ? new URL(url) : url).hostname;
  return EXECUTE_API_HOST.exec(host)?.[1];
}

/** Explicit region, else the URL's, else AWS_REGION; throws a message that says how to fix it. */
export function resolveRegion(url: URL | string, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const region = explicit ?? regionFromExecuteApiUrl(url) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error(
      `cannot tell which AWS region ${String(url)} is in: pass { region: 'eu-west-1' } to the transport or set AWS_REGION`,
    );
  }
  return region;
}
