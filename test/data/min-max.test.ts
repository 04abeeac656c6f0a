import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseCsv } from '../../src/data/csv.ts';
import { fitEncoder } from '../../src/data/encode.ts';
import { buildTable } from '../../src/data/table.ts';

const fixture = (file: string) => readFileSync(new URL(`../fixtures/adult-min-max/${file}`, import.meta.url));
const raw = parseCsv(fixture('raw.csv'), { source: 'raw.csv' });
const scaled = parseCsv(fixture('scaled.csv'), { source: 'scaled.csv' });
const range: Record<string, { min: number; max: number }> = JSON.parse(fixture('full-table-range.json').toString('utf8'));

// Float32 matrices hold about 7 significant digits; the authors' file prints 9.
const TOLERANCE = 1e-6;

test('min-max reproduces authors scaling', () => {
  // Two extra rows carry the full table's minima and maxima, so that the
  // encoder fit on all rows gets the same range as the authors' scaling did.
  const extremes = ['min', 'max'].map((end) => raw.columns.map((name) => String(range[name][end as 'min' | 'max'])));
  const table = buildTable(raw.columns, [...raw.rows, ...extremes]).table;
  const everyRow = Int32Array.from({ length: table.rows }, (_, i) => i);
  const encoder = fitEncoder(table, everyRow, { numeric: 'min-max' });
  const fixtureRows = everyRow.subarray(0, raw.rows.length);
  const x = encoder.transform(table, fixtureRows);

  let worst = 0;
  let worstAt = '';
  raw.columns.forEach((name, j) => {
    const k = scaled.columns.indexOf(name);
    assert.ok(k >= 0, `column ${name} in scaled.csv`);
    for (let r = 0; r < raw.rows.length; r++) {
      const error = Math.abs(x.get(r, j) - Number(scaled.rows[r][k]));
      if (error > worst) {
        worst = error;
        worstAt = `${name} row ${r + 1}`;
      }
    }
  });
  assert.ok(worst < TOLERANCE, `largest difference ${worst} at ${worstAt}`);
});

test('min-max maps fit rows onto 0..1', () => {
  const table = buildTable(['x', 'c'], [['2', 'b'], ['4', 'a'], ['10', 'c']]).table;
  const x = fitEncoder(table, [0, 1, 2], { numeric: 'min-max' }).transform(table);
  // Row-major: x then the ordinal code of c (a = 0, b = 1, c = 2) on each row.
  assert.equal(Array.from(x.data), [0, 0.5, 0.25, 0, 1, 1]);
});

test('min-max fits on given rows only', () => {
  const table = buildTable(['x'], [['0'], ['10'], ['20']]).table;
  const x = fitEncoder(table, [0, 1], { numeric: 'min-max' }).transform(table);
  assert.equal(Array.from(x.data), [0, 1, 2]);
});

test('min-max constant column is 0', () => {
  const table = buildTable(['x'], [['3'], ['3']]).table;
  const x = fitEncoder(table, [0, 1], { numeric: 'min-max' }).transform(table);
  assert.equal(Array.from(x.data), [0, 0]);
});

test('min-max state records scaling', () => {
  const table = buildTable(['x'], [['2'], ['6']]).table;
  const state = fitEncoder(table, [0, 1], { numeric: 'min-max' }).toJSON();
  assert.equal(state.columns[0], { name: 'x', kind: 'numeric', mean: 2, std: 4, scaling: 'min-max' });
});

test.run();
