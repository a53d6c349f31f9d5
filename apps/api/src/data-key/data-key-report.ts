import type { FieldRotation, FieldStatus } from './data-key.service';

type KeyIds = { current: string; previous?: string };

/** Columns padded to their widest cell: the field name left-aligned, counts right-aligned. */
function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

function keys(ids: KeyIds): string {
  return [
    `DATA_ENCRYPTION_KEY           key id ${ids.current}`,
    `DATA_ENCRYPTION_KEY_PREVIOUS  ${ids.previous ? `key id ${ids.previous}` : 'not set'}`,
  ].join('\n');
}

const valuesCount = (n: number) => (n === 1 ? '1 value' : `${n} values`);

const sum = <T>(rows: T[], count: (row: T) => number) => rows.reduce((total, row) => total + count(row), 0);

/** What `data-key status` prints: the keys by id, the values per field under each, and what to do next. */
export function statusReport(ids: KeyIds, fields: FieldStatus[]): string {
  const total: FieldStatus = {
    field: 'total',
    values: sum(fields, (f) => f.values),
    current: sum(fields, (f) => f.current),
    previous: sum(fields, (f) => f.previous),
    outdated: sum(fields, (f) => f.outdated),
    unreadable: sum(fields, (f) => f.unreadable),
  };
  const rows = [...fields, total].map((f) => [f.field, f.values, f.current, f.previous, f.outdated, f.unreadable]);
  const toRotate = total.previous + total.outdated;
  const next =
    total.unreadable > 0
      ? `${valuesCount(total.unreadable)} cannot be read with either key: written under another key. Set DATA_ENCRYPTION_KEY_PREVIOUS to that key and run data-key rotate, or restore them from a backup.`
      : toRotate > 0
        ? `${valuesCount(toRotate)} still to rotate (${total.previous} under the previous key): run npm run admin -- data-key rotate.`
        : ids.previous
          ? 'Every value is under DATA_ENCRYPTION_KEY: remove DATA_ENCRYPTION_KEY_PREVIOUS and restart the API and worker.'
          : 'Every value is under DATA_ENCRYPTION_KEY.';
  return `${keys(ids)}

${table(['field', 'values', 'current key', 'previous key', 'outdated', 'unreadable'], rows)}

outdated: under the current key, but written before key ids or with an old lookup hash; data-key rotate rewrites them.
${next}
`;
}

/** What `data-key rotate` prints, and the problem it exits with when values were left unreadable. */
export function rotationReport(ids: KeyIds, fields: FieldRotation[]): { text: string; problem?: string } {
  const total: FieldRotation = {
    field: 'total',
    examined: sum(fields, (f) => f.examined),
    reencrypted: sum(fields, (f) => f.reencrypted),
    alreadyCurrent: sum(fields, (f) => f.alreadyCurrent),
    unreadable: sum(fields, (f) => f.unreadable),
    batches: sum(fields, (f) => f.batches),
  };
  const rows = [...fields, total].map((f) => [
    f.field,
    f.examined,
    f.reencrypted,
    f.alreadyCurrent,
    f.unreadable,
    f.batches,
  ]);
  const text = `${keys(ids)}

${table(['field', 'examined', 're-encrypted', 'already current', 'unreadable', 'batches'], rows)}

${valuesCount(total.reencrypted)} re-encrypted under DATA_ENCRYPTION_KEY, ${total.alreadyCurrent} already were.
`;
  return total.unreadable > 0
    ? {
        text,
        problem: `admin: ${valuesCount(total.unreadable)} cannot be read with DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_PREVIOUS and were left as they are (see data-key status).`,
      }
    : { text };
}
