/**
 * zod issues rewritten for a platform engineer: the manifest path (`servers[0].tools[3].access`),
 * the line, and what to do ("missing required field", "unknown field … did you mean …").
 */
import { z } from 'zod';
import { quotedList, suggestion } from './did-you-mean';
import { formatPath, type ManifestIssue } from './manifest-issue';
import type { YamlManifest } from './yaml-reader';

/**
 * Messages for the checks the schema leaves to zod's defaults. Messages written in the schema
 * itself take precedence over this map (zod's rule), so only the generic cases are covered here.
 */
export const manifestErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${describeExpected(issue.expected)}, found ${describeValue(issue.input)}`;
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      return `${describeValue(issue.input)} is not allowed${suggestion(String(issue.input), allowed, `use one of ${quotedList(allowed)}`)}`;
    }
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`
        : issue.origin === 'string'
          ? `must be at least ${issue.minimum} characters long`
          : `must be at least ${issue.minimum}, found ${describeValue(issue.input)}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `has more than ${issue.maximum} entries`
        : issue.origin === 'string'
          ? `is longer than ${issue.maximum} characters`
          : `must be at most ${issue.maximum}, found ${describeValue(issue.input)}`;
    case 'invalid_format':
      return `${describeValue(issue.input)} is not in the expected format${issue.format === 'regex' && 'pattern' in issue ? ` (${String(issue.pattern)})` : ''}`;
    case 'invalid_union':
      return `${describeValue(issue.input)} does not match any of the allowed forms — see docs/manifest.md`;
    default:
      return undefined;
  }
};

/** Turns a failed parse into manifest issues, one per problem (one per unknown key). */
export function schemaIssues(error: z.ZodError, data: unknown, schema: z.ZodType, yaml: YamlManifest, file: string): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const push = (path: readonly PropertyKey[], message: string, key = false) => {
    const at = yaml.position(path, { key });
    issues.push({ file, path: formatPath(path), message, ...(at ?? {}), severity: 'error' });
  };
  const handle = (issue: z.core.$ZodIssue, base: readonly PropertyKey[]): void => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && valueAt(data, path) !== undefined) {
      // `injection: block` or `injection: { … }`: report what is wrong inside the form that was
      // written (its own paths and messages), not "matches neither"
      const shape = (e: z.core.$ZodIssue) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value');
      const candidates = issue.errors.filter((branch) => branch.length > 0 && !branch.every(shape));
      // only when exactly one form fits the shape written (assumedBy's three mappings stay as they are)
      const written = candidates.length === 1 ? candidates[0] : undefined;
      if (written) {
        for (const inner of written) handle(inner, path);
        return;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        const otherwise = known.length > 0 ? `allowed here: ${known.join(', ')}` : 'remove it';
        push([...path, key], `unknown field ${describeValue(key)}${suggestion(key, known, otherwise)}`, true);
      }
    } else if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(data, path) === undefined) {
      const field = path[path.length - 1];
      push(path, typeof field === 'string' ? `missing required field "${field}"` : 'missing value');
    } else {
      push(path, issue.message);
    }
  };
  for (const issue of error.issues) handle(issue, []);
  return issues;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** The keys the schema allows for the object at `path` (for "did you mean" on unknown keys). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const candidates = schemasAt(schema, path);
  const keys = new Set<string>();
  for (const candidate of candidates) {
    if (candidate instanceof z.ZodObject) Object.keys(candidate.shape).forEach((k) => keys.add(k));
    else if (candidate instanceof z.ZodRecord && candidate.keyType instanceof z.ZodEnum) candidate.keyType.options.forEach((k) => keys.add(String(k)));
  }
  return [...keys];
}

function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let current = unwrap(schema);
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      if (s instanceof z.ZodObject && typeof segment === 'string' && segment in s.shape) next.push(...unwrap(s.shape[segment] as z.ZodType));
      else if (s instanceof z.ZodArray && typeof segment === 'number') next.push(...unwrap(s.element as z.ZodType));
      else if (s instanceof z.ZodRecord) next.push(...unwrap(s.valueType as z.ZodType));
    }
    current = next;
  }
  return current;
}

/** Looks through optional/default wrappers; a union yields each of its options. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return unwrap(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as readonly z.ZodType[]).flatMap(unwrap);
  return [schema];
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping (key: value)';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

/** A value as the user wrote it, quoted when it is text. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return 'a timestamp (write it as plain text, e.g. 2026-11-01)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return String(value);
}
