/**
 * Recall and false positives per written form (test/fixtures/redaction/forms-*.jsonl, from
 * build-forms.ts): the digit scripts, invisible characters, separators, glued words and keyed
 * values of issue 7, and clean shop text written the same ways. Prints the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

interface Positive {
  type: 'card';
  form: string;
  text: string;
  secrets: string[];
}
interface Negative {
  kind: string;
  text: string;
}
const read = <T>(file: string): T[] =>
  readFileSync(join(__dirname, '../../../fixtures/redaction', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

const positives = read<Positive>('forms-positives.jsonl');
const negatives = read<Negative>('forms-negatives.jsonl');
const caught = (p: Positive) => {
  const r = redact(p.text, 'public', shopPolicy);
  return p.secrets.every((s) => !r.text.includes(s)) && (r.counts[p.type] ?? 0) > 0;
};
const forms = [...new Set(positives.map((p) => `${p.type}: ${p.form}`))];
const perForm = forms.map((form) => {
  const mine = positives.filter((p) => `${p.type}: ${p.form}` === form);
  const missed = mine.filter((p) => !caught(p));
  return { form, samples: mine.length, recall: (mine.length - missed.length) / mine.length, missed };
});
const negativeKinds = [...new Set(negatives.map((n) => n.kind))];
const perKind = negativeKinds.map((kind) => {
  const mine = negatives.filter((n) => n.kind === kind);
  const touched = mine.filter((n) => redact(n.text, 'public', shopPolicy).text !== n.text);
  return { kind, samples: mine.length, falsePositives: touched.length, touched };
});

describe('redaction of the forms customers write', () => {
  beforeAll(() => {
    const caughtAll = perForm.reduce((s, f) => s + f.samples - f.missed.length, 0);
    console.log(
      [
        `forms corpus: ${positives.length} positives in ${forms.length} forms, ${negatives.length} clean samples; recall ${(caughtAll / positives.length).toFixed(3)}, false positives ${perKind.reduce((s, k) => s + k.falsePositives, 0)}/${negatives.length}`,
        ['form', 'samples', 'recall'].join('\t'),
        ...perForm.map((f) => [f.form, f.samples, f.recall.toFixed(3)].join('\t')),
        ['clean kind', 'samples', 'FPs'].join('\t'),
        ...perKind.map((k) => [k.kind, k.samples, k.falsePositives].join('\t')),
        ...perForm.flatMap((f) => f.missed.map((p) => `missed ${f.form}: ${JSON.stringify(p.text)}`)),
        ...perKind.flatMap((k) => k.touched.map((n) => `touched ${k.kind}: ${JSON.stringify(n.text)} -> ${JSON.stringify(redact(n.text, 'public', shopPolicy).text)}`)),
      ].join('\n'),
    );
  });

  it.each(forms)('finds every sample of %s', (form) => {
    expect(perForm.find((f) => f.form === form)!.missed.map((p) => p.text)).toEqual([]);
  });

  it.each(negativeKinds)('leaves clean %s text untouched', (kind) => {
    expect(perKind.find((k) => k.kind === kind)!.touched.map((n) => n.text)).toEqual([]);
  });
});
