/** Renders the access matrix for people (markdown), spreadsheets (CSV) and tools (JSON). */
import type { AccessMatrixRow } from './access-matrix';

export const ACCESS_MATRIX_FORMATS = ['md', 'csv', 'json'] as const;
export type AccessMatrixFormat = (typeof ACCESS_MATRIX_FORMATS)[number];

const COLUMNS: ReadonlyArray<readonly [keyof AccessMatrixRow, string]> = [
  ['agent', 'agent'],
  ['clearance', 'clearance'],
  ['server', 'server'],
  ['kind', 'kind'],
  ['tool', 'tool'],
  ['dataset', 'dataset'],
  ['dataClass', 'data class'],
  ['access', 'access'],
  ['redactedTypes', 'redacted'],
];

const cell = (row: AccessMatrixRow, key: keyof AccessMatrixRow): string => {
  const v = row[key];
  return Array.isArray(v) ? v.join(' ') : (v ?? '');
};

export function accessMatrixMarkdown(rows: readonly AccessMatrixRow[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [`| ${COLUMNS.map(([, h]) => h).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${COLUMNS.map(([k]) => esc(cell(r, k))).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: CRLF records; fields with comma, quote, CR or LF are quoted, quotes doubled. */
export function accessMatrixCsv(rows: readonly AccessMatrixRow[]): string {
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const records = [COLUMNS.map(([k]) => field(String(k))).join(',')];
  for (const r of rows) records.push(COLUMNS.map(([k]) => field(cell(r, k))).join(','));
  return `${records.join('\r\n')}\r\n`;
}

export function accessMatrixJson(rows: readonly AccessMatrixRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function renderAccessMatrix(rows: readonly AccessMatrixRow[], format: AccessMatrixFormat): string {
  switch (format) {
    case 'md':
      return accessMatrixMarkdown(rows);
    case 'csv':
      return accessMatrixCsv(rows);
    case 'json':
      return accessMatrixJson(rows);
  }
}
