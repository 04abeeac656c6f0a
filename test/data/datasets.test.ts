import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ADULT_COLUMNS, loadDataset, type Dataset } from '../../src/data/datasets.ts';
import type { Column } from '../../src/data/table.ts';
import { packageRoot, packageVersion } from '../../src/paths.ts';
import { catchMiascopeError, writeFixture } from './helpers.ts';

/** Returns row `row` of `column` as it was written in the file. */
function cellText(column: Column, row: number): string {
  return column.kind === 'numeric' ? String(column.values[row]) : column.categories[column.codes[row]];
}

function record(dataset: Dataset, row: number): Record<string, string> {
  return Object.fromEntries(dataset.features.columns.map((column) => [column.name, cellText(column, row)]));
}

const adult = loadDataset('adult');

test('adult row and class counts', () => {
  assert.is(adult.name, 'adult');
  assert.is(adult.rowsRead, 48842);
  assert.is(adult.droppedRows, 3620);
  assert.is(adult.features.rows, 45222);
  assert.is(adult.y.length, 45222);
  assert.is(adult.classCounts[1], 11208);
  assert.is(adult.classCounts[0], 34014);
  assert.is(adult.y.reduce((sum, label) => sum + label, 0), 11208);
});

test('adult columns and label', () => {
  assert.is(adult.labelColumn, 'income');
  assert.equal(adult.classNames, ['<=50K', '>50K']);
  assert.equal(
    adult.features.columns.map((column) => column.name),
    ADULT_COLUMNS.slice(0, 14),
  );
  assert.equal(
    adult.features.columns.filter((column) => column.kind === 'numeric').map((column) => column.name),
    ['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week'],
  );
});

test('adult first record', () => {
  assert.equal(record(adult, 0), {
    age: '39',
    workclass: 'State-gov',
    fnlwgt: '77516',
    education: 'Bachelors',
    'education-num': '13',
    'marital-status': 'Never-married',
    occupation: 'Adm-clerical',
    relationship: 'Not-in-family',
    race: 'White',
    sex: 'Male',
    'capital-gain': '2174',
    'capital-loss': '0',
    'hours-per-week': '40',
    'native-country': 'United-States',
  });
  assert.is(adult.y[0], 0);
});

test('adult last record from test file', () => {
  const last = adult.features.rows - 1;
  // The test file's last record: 35, Self-emp-inc, 182148, Bachelors, 13, ..., >50K.
  assert.is(record(adult, last).age, '35');
  assert.is(record(adult, last).fnlwgt, '182148');
  assert.is(adult.y[last], 1);
});

test('adult category lists', () => {
  const sex = adult.features.columns.find((column) => column.name === 'sex');
  assert.equal(sex?.kind === 'categorical' && sex.categories, ['Female', 'Male']);
  const workclass = adult.features.columns.find((column) => column.name === 'workclass');
  // adult.names lists 8 values; Never-worked occurs only in rows with a `?` elsewhere.
  assert.equal(workclass?.kind === 'categorical' && workclass.categories.length, 7);
});

test('csv dataset loads', () => {
  const path = writeFixture('people.csv', 'age,job,smoker\n30,clerk,yes\n?,nurse,no\n41,cook,no\n52,nurse,yes\n');
  const dataset = loadDataset(path, { label: 'smoker', positive: 'yes' });
  assert.is(dataset.name, path);
  assert.is(dataset.rowsRead, 4);
  assert.is(dataset.droppedRows, 1);
  assert.equal(Array.from(dataset.y), [1, 0, 1]);
  assert.equal(dataset.classNames, ['no', 'yes']);
  assert.equal(dataset.classCounts, [1, 2]);
  assert.equal(
    dataset.features.columns.map((column) => column.name),
    ['age', 'job'],
  );
});

test('csv dataset options', () => {
  const path = writeFixture('options.csv', 'zip;score;label\n9;?;a\n10;4;b\n9;8;a\n');
  const dataset = loadDataset(path, {
    label: 'label',
    delimiter: ';',
    missingPolicy: 'impute',
    columnTypes: { zip: 'categorical' },
  });
  assert.is(dataset.imputedCells, 1);
  assert.is(dataset.features.columns[0].kind, 'categorical');
  assert.equal(dataset.features.columns[1].kind === 'numeric' && Array.from(dataset.features.columns[1].values), [6, 4, 8]);
});

test('csv dataset gzip file', () => {
  const path = writeFixture('small.csv.gz', gzipSync('x,y\n1,a\n2,b\n'));
  const dataset = loadDataset(path, { label: 'y' });
  assert.equal(Array.from(dataset.y), [0, 1]);
});

test('csv dataset missing file', () => {
  const error = catchMiascopeError(() => loadDataset('missing.csv', { label: 'y' }));
  assert.is(
    error.message,
    'dataset file not found: missing.csv (give a path to a CSV file with a header row, or --dataset adult)',
  );
});

test('csv dataset path is a folder', () => {
  const folder = join(writeFixture('marker.txt', ''), '..');
  const error = catchMiascopeError(() => loadDataset(folder, { label: 'y' }));
  assert.match(error.message, 'dataset path is not a file');
});

test('csv dataset missing label column', () => {
  const path = writeFixture('nolabel.csv', 'a,b\n1,x\n2,y\n');
  const error = catchMiascopeError(() => loadDataset(path, { label: 'income' }));
  assert.match(error.message, 'label column "income" not found');
  assert.match(error.message, 'columns: a, b');
  assert.match(error.message, '--label COL');
});

test('csv dataset without label option', () => {
  const path = writeFixture('unlabelled.csv', 'a,b\n1,x\n');
  const error = catchMiascopeError(() => loadDataset(path));
  assert.match(error.message, 'no label column given');
  assert.match(error.message, '--label COL');
});

test('csv malformed row names line', () => {
  const path = writeFixture('broken.csv', 'a,b,c\n1,2,3\n\n4,5\n');
  const error = catchMiascopeError(() => loadDataset(path, { label: 'c' }));
  assert.match(error.message, `${path} line 4: expected 3 fields, found 2`);
});

test('csv error policy names line', () => {
  const path = writeFixture('gaps.csv', 'a,b\n1,x\n\n2,?\n');
  const error = catchMiascopeError(() => loadDataset(path, { label: 'b', missingPolicy: 'error' }));
  assert.match(error.message, `missing value "?" in column b at ${path} line 4`);
});

test('package root contains miascope package.json', () => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  assert.is(manifest.name, 'miascope');
});

test('package version from package.json', () => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  assert.is(packageVersion(), manifest.version);
});

test.run();
