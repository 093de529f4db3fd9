/**
 * Team Cedar files (`guard.policies`) checked where the manifest is checked — `warden validate`
 * and the CDK app — so a policy that does not parse or does not fit the Warden schema fails
 * before deploy, not at the server's cold start (where the guard would refuse every call).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedManifest, ManifestIssue } from '../config';
import { createAuthorizer, PolicyValidationError } from './authorizer';

/** The texts of the manifest's team Cedar files (`guard.policies`, relative to the manifest's folder), in order. */
export function readTeamPolicies(manifest: Pick<LoadedManifest['manifest'], 'guard'>, dir: string): string[] {
  return manifest.guard.policies.map((p) => readFileSync(resolve(dir, p), 'utf8'));
}

const PROBLEM = /^guard\.policies\[(\d+)\](?: \(([^)]*)\))?(.*)$/s;

/**
 * Every problem of the manifest's team policies as manifest issues (path `guard.policies[i]`),
 * or none. `file` is the manifest as the user named it, for the messages.
 */
export function teamPolicyIssues(loaded: Pick<LoadedManifest, 'manifest' | 'dir'>, file: string): ManifestIssue[] {
  const { manifest, dir } = loaded;
  if (manifest.guard.policies.length === 0) return [];
  const texts = readTeamPolicies(manifest, dir);
  try {
    createAuthorizer(manifest, { extraPolicies: texts, cache: false });
    return [];
  } catch (err) {
    if (!(err instanceof PolicyValidationError)) throw err;
    return err.problems.map((problem) => {
      const m = PROBLEM.exec(problem);
      const message = m ? `${m[2] ?? 'policy file'}${m[3]}` : problem;
      return { file, path: m ? `guard.policies[${m[1]}]` : 'guard.policies', message, severity: 'error' as const };
    });
  }
}
