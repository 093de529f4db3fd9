import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue } from '../../../lib/config';
import { readYamlManifest } from '../../../lib/config/yaml-reader';
import { errorLines, errorsOf, FIXTURES } from './manifest-fixtures';

const F = 'warden.config.yaml';
const fixture = (name: string) => readFileSync(join(FIXTURES, 'bad', name), 'utf8');

describe('reading the YAML of a manifest', () => {
  it('reports a syntax error with its line and column, and stops there', () => {
    const issues = errorsOf(fixture('syntax-error.yaml'));
    expect(issues.map((i) => formatIssue(i))).toEqual([
      `${F}: (root): YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (line 4, column 1)`,
    ]);
    expect(issues[0]).toMatchObject({ line: 4, column: 1, severity: 'error' });
  });

  it('rejects a file with more than one YAML document', () => {
    expect(errorLines(fixture('multi-document.yaml'))).toEqual([
      `${F}: (root): the file holds more than one YAML document (separated by "---"); a manifest is a single document — move the others to their own files`,
    ]);
    expect(errorsOf(fixture('multi-document.yaml'))[0]?.line).toBe(3);
  });

  it('accepts a single document that starts with ---', () => {
    const yaml = readYamlManifest('---\nproject: shop\n', F);
    expect(yaml.issues).toEqual([]);
    expect(yaml.data).toEqual({ project: 'shop' });
  });

  // an expanded bomb would take minutes and gigabytes: the test's timeout is the bound, not a stopwatch
  it('refuses to expand an alias bomb instead of exhausting memory', () => {
    expect(errorLines(fixture('alias-bomb.yaml'))).toEqual([
      `${F}: (root): the YAML could not be expanded (Excessive alias count indicates a resource exhaustion attack): it uses aliases (*name) more than 100 times — write the values out instead of nesting aliases`,
    ]);
  }, 30_000);

  it('still allows a few ordinary aliases', () => {
    const yaml = readYamlManifest('owner: &owner ops@shop.example\nbackup: *owner\n', F);
    expect(yaml.issues).toEqual([]);
    expect(yaml.data).toEqual({ owner: 'ops@shop.example', backup: 'ops@shop.example' });
  });

  it('rejects a document that is a list, not a mapping', () => {
    expect(errorLines(fixture('not-a-mapping.yaml'))).toEqual([
      `${F}: (root): the manifest must be a YAML mapping of fields (project:, environment:, datasets:, ...) but the file holds a list`,
    ]);
  });

  it('rejects a document that is a single value', () => {
    expect(errorLines('just some text\n')).toEqual([`${F}: (root): the manifest must be a YAML mapping of fields (project:, environment:, datasets:, ...) but the file holds a single value`]);
  });

  it('rejects an empty file and points to the example', () => {
    const expected = `${F}: (root): the manifest is empty — start from the example in docs/manifest.md (project:, environment:, dataClasses:, datasets:, servers:, agents:)`;
    expect(errorLines('')).toEqual([expected]);
    expect(errorLines('# only a comment\n')).toEqual([expected]);
  });

  it('reports a duplicate key by its full path, nested in lists', () => {
    const yaml = readYamlManifest('agents:\n  - name: a\n  - name: b\n    owner: x@y.z\n    owner: q@y.z\n', F);
    expect(yaml.issues.map((i) => formatIssue(i, { withLines: true }))).toEqual([
      `${F}: agents[1].owner: duplicate key "owner" — each field may appear only once in a mapping; remove or merge one of them (line 5)`,
    ]);
    expect(yaml.fatal).toBe(false);
  });

  it('rejects CloudFormation-style tags such as !Ref', () => {
    const yaml = readYamlManifest('project: !Ref ProjectName\n', F);
    expect(yaml.issues.map((i) => formatIssue(i))).toEqual([`${F}: project: YAML: Unresolved tag: !Ref — remove the tag; a manifest holds plain values`]);
  });

  it('finds the line of a node, of a key, and of the nearest ancestor of a missing field', () => {
    const yaml = readYamlManifest('project: shop\nagents:\n  - name: a\n    tools:\n      - x/y\n', F);
    expect(yaml.position(['agents', 0, 'tools', 0])).toEqual({ line: 5, column: 9 });
    expect(yaml.position(['agents', 0, 'tools'], { key: true })).toEqual({ line: 4, column: 5 });
    expect(yaml.position(['agents', 0, 'owner'])).toEqual({ line: 3, column: 5 });
    expect(yaml.position(['servers'])).toEqual({ line: 1, column: 1 });
  });
});
