import { change, errorLines, GOOD_YAML, parse } from './manifest-fixtures';

describe('guard.outputInjection', () => {
  it('defaults to flag', () => {
    expect(parse(GOOD_YAML).manifest.guard.outputInjection).toBe('flag');
  });

  it.each(['flag', 'block', 'off'] as const)('accepts %s', (value) => {
    expect(parse(change('guard:\n', `guard:\n  outputInjection: ${value}\n`)).manifest.guard.outputInjection).toBe(value);
  });

  it('rejects another value, listing the allowed ones', () => {
    expect(errorLines(change('guard:\n', 'guard:\n  outputInjection: warn\n'))).toEqual(['warden.config.yaml: guard.outputInjection: "warn" is not allowed — use one of "flag", "block" or "off"']);
  });

  it('rejects a misspelt field with a suggestion', () => {
    expect(errorLines(change('guard:\n', 'guard:\n  outputInjecton: block\n'))).toEqual(['warden.config.yaml: guard.outputInjecton: unknown field "outputInjecton" — did you mean "outputInjection"?']);
  });
});
