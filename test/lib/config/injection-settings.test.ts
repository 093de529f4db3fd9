/**
 * Issue 7, point 8: `guard.injection` takes the full settings (`action`, `engine`, `bedrock`,
 * `exempt`) besides the short `block`/`flag`, and every mistake in them is reported with the
 * path to the field and the fix.
 */
import { injectionSettings } from '../../../lib/config';
import { errorLines, GOOD_YAML, parse } from './manifest-fixtures';

const GUARD_LINE = /^guard:.*$/m;
const withGuard = (guard: string) => {
  if (!GUARD_LINE.test(GOOD_YAML)) throw new Error('fixture has no guard line');
  return GOOD_YAML.replace(GUARD_LINE, `guard:\n${guard}`);
};

describe('guard.injection settings', () => {
  it('keeps the short form: injection: block', () => {
    expect(injectionSettings(parse(GOOD_YAML).manifest.guard)).toEqual({ action: 'block', engine: 'local', exempt: [] });
  });

  it('reads the full form with exemptions per tool and argument', () => {
    const m = parse(withGuard('  injection:\n    action: block\n    exempt:\n      - { tool: commerce/search_products, arguments: [query], checks: [instruction] }\n      - { tool: commerce/get_order }\n')).manifest;
    expect(injectionSettings(m.guard)).toMatchObject({ action: 'block', engine: 'local', exempt: [{ tool: 'commerce/search_products', arguments: ['query'], checks: ['instruction'] }, { tool: 'commerce/get_order' }] });
  });

  it.each([
    ['an unknown tool, with the closest one', '  injection: { exempt: [{ tool: commerce/search_prodcts }] }\n', /guard\.injection\.exempt\[0\]\.tool: unknown tool "commerce\/search_prodcts" — did you mean "commerce\/search_products"\?/],
    ['a tool without its server', '  injection: { exempt: [{ tool: update_price }] }\n', /guard\.injection\.exempt\[0\]\.tool: tool must be written "server\/tool"/],
    ['a bad argument path', '  injection: { exempt: [{ tool: commerce/search_products, arguments: ["reason!"] }] }\n', /guard\.injection\.exempt\[0\]\.arguments\[0\]: an argument path is a name or a dotted path/],
    ['an unknown check', '  injection: { exempt: [{ tool: commerce/search_products, checks: [structure] }] }\n', /guard\.injection\.exempt\[0\]\.checks\[0\]: checks are instruction, chat-template, poisoning-tag, hidden-unicode/],
    ['the Bedrock engine without a guardrail', '  injection: { engine: bedrock-guardrails }\n', /guard\.injection\.bedrock: engine "bedrock-guardrails" needs bedrock: \{ guardrailId, guardrailVersion \}/],
    ['an unknown engine', '  injection: { engine: openai }\n', /guard\.injection\.engine: engine must be "local" or "bedrock-guardrails"/],
    ['a typo in a field', '  injection: { exmept: [] }\n', /guard\.injection\.exmept: unknown field "exmept"/],
  ])('names the path and the fix for %s', (_name, guard, message) => {
    expect(errorLines(withGuard(guard)).join('\n')).toMatch(message);
  });
});
