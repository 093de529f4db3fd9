/** docs/runbooks/alarms.md has a section for every alarm kind, with its default severity and three first steps. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALARM_KINDS } from '../../../lib/alarms/alarm-kinds';

const runbook = readFileSync(join(__dirname, '../../../docs/runbooks/alarms.md'), 'utf8');
const sections = new Map(
  runbook
    .split(/^### /m)
    .slice(1)
    .map((s) => [s.slice(0, s.indexOf('\n')).trim(), s] as const),
);

describe('the alarm runbook', () => {
  it('has a section for exactly the alarm kinds there are', () => {
    expect([...sections.keys()].sort()).toEqual(Object.keys(ALARM_KINDS).sort());
  });

  it.each(Object.entries(ALARM_KINDS))('says what %s means, its default severity and three first steps', (kind, spec) => {
    const section = sections.get(kind)!;
    expect(section).toMatch(/\*\*Meaning:\*\* \S/);
    expect(section).toMatch(new RegExp(`\\*\\*Severity:\\*\\* ${spec.severity}\\b`));
    expect(section.match(/^[123]\. \S/gm)).toHaveLength(3);
  });
});
