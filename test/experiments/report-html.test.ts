import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, miascope, TOY_ID } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-report-html-'));
const toy = join(scratch, 'toy');

/** Counts the inline SVG plots of a page. */
function plotCount(page: string): number {
  return page.match(/<svg[\s>]/g)?.length ?? 0;
}

test('run --html writes one plot per group', () => {
  const sound = miascope('experiment', 'run', TOY_ID, '--out', toy, '--quiet', '--workers', '1', '--html');
  assert.is(sound.code, 0, sound.stderr);
  assert.match(sound.stdout, `HTML report: ${join(toy, 'report.html')}`);
  assert.is(plotCount(readFileSync(join(toy, 'report.html'), 'utf8')), 1);

  const paper = miascope('experiment', 'run', TOY_ID, '--protocol', 'paper', '--out', toy, '--quiet', '--workers', '1', '--html');
  assert.is(paper.code, 0, paper.stderr);
  const page = readFileSync(join(toy, 'report.html'), 'utf8');
  assert.is(plotCount(page), 2);
  assert.match(page, 'adult, paper protocol');
  assert.match(page, 'adult, sound protocol');
});

test('page shows claim and both protocols', () => {
  const page = readFileSync(join(toy, 'report.html'), 'utf8');
  assert.match(page, 'Claim: Smaller training sets leak more membership.');
  assert.match(page, 'Both protocols on adult');
  // Headers may break before each capital of a camelCase metric name.
  assert.match(page, 'attack<wbr>Accuracy (sound)');
  assert.match(page, 'attack<wbr>Accuracy (paper)');
  assert.match(page, 'Trivial baseline of attack accuracy: sound: 0.500, paper: 0.500.');
  // trainSize 2 fails in every trial, and the page lists the failure under each protocol.
  assert.is(page.split('trainSize 2 is too small').length - 1, 2);
});

test('page is self-contained', () => {
  const page = readFileSync(join(toy, 'report.html'), 'utf8');
  assert.not.match(page, /<script/i);
  assert.not.match(page, /\s(?:src|href)="(?!#)/);
  assert.not.match(page, /url\((?!#)/);
  assert.not.match(page, /@import/);
});

test('clip and gradient ids are unique', () => {
  const page = readFileSync(join(toy, 'report.html'), 'utf8');
  const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
  assert.equal(ids, [...new Set(ids)]);
  for (const [, reference] of page.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(reference), `url(#${reference}) names an id of the page`);
});

test('report --html takes a file', () => {
  const bare = miascope('experiment', 'report', toy, '--html', join(scratch, 'named.html'));
  assert.is(bare.code, 0, bare.stderr);
  assert.ok(existsSync(join(scratch, 'named.html')));
  const joined = miascope('experiment', 'report', `--html=${join(scratch, 'pages', 'joined')}`, toy);
  assert.is(joined.code, 0, joined.stderr);
  assert.is(plotCount(readFileSync(join(scratch, 'pages', 'joined'), 'utf8')), 2);
});

test('report --html before the folder', () => {
  const run = miascope('experiment', 'report', '--html', toy);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, `HTML report: ${join(toy, 'report.html')}`);
});

test('html path that is a folder exits 2', () => {
  const folder = join(scratch, 'folder.html');
  mkdirSync(folder);
  const run = miascope('experiment', 'report', toy, '--html', folder);
  assert.is(run.code, 2);
  assert.match(run.stderr, `--html ${folder} is a folder`);
});

test('html with a shard exits 2', () => {
  const run = miascope('experiment', 'run', TOY_ID, '--shard', '1/2', '--html', '--out', join(scratch, 'shard'));
  assert.is(run.code, 2);
  assert.match(run.stderr, 'give --html to miascope experiment merge');
});

test('help explains --html', () => {
  for (const subcommand of ['run', 'merge', 'report']) {
    const run = miascope('experiment', subcommand, '--help');
    assert.is(run.code, 0);
    assert.match(run.stdout, '--html [FILE]', subcommand);
  }
});

// A spec module and results whose every name is HTML: the experiment id,
// title, claim, point setting and dataset, and the results folder's name.
const HOSTILE_ID = 'toy-<img src=x onerror=alert(1)>';
const HOSTILE_DATASET = '"><svg onload=alert(2)>.csv';
const HOSTILE_FOLDER = join(scratch, `o'hara & <co>`);

const HOSTILE_MODULE = `
const profile = { points: [{ 'size<b>': 10 }, { 'size<b>': 20 }], trials: 2, datasets: ['adult'], settings: {} };
export default {
  id: ${JSON.stringify(HOSTILE_ID)},
  title: 'Toy <script>alert(3)</script> title',
  claim: 'Claims & "quotes" \\'single\\' <b>bold</b>.',
  profiles: { quick: profile, paper: profile },
  metrics: ['attackAccuracy', 'attackAuc', 'targetTestAccuracy'],
  view: { kind: 'sweep', x: 'size<b>' },
  run: async () => { throw new Error('hand-written results only'); },
};
`;

function hostileRecord(pointIndex: number, trial: number, accuracy: number): string {
  return JSON.stringify({
    experiment: HOSTILE_ID,
    dataset: HOSTILE_DATASET,
    protocol: 'sound',
    profile: 'quick',
    pointIndex,
    point: { 'size<b>': 10 * (pointIndex + 1) },
    trial,
    seed: 100 * pointIndex + trial,
    status: 'ok',
    metrics: { attackAccuracy: accuracy, attackAuc: accuracy + 0.01, targetTestAccuracy: 0.8, trivialAccuracy: 0.5 },
    data: {},
    miascope: '0.0.0',
    seconds: 1,
  });
}

test('hostile names are escaped', () => {
  const modulePath = join(scratch, 'hostile-spec.mjs');
  writeFileSync(modulePath, HOSTILE_MODULE);
  mkdirSync(HOSTILE_FOLDER);
  const lines = [hostileRecord(0, 0, 0.52), hostileRecord(0, 1, 0.54), hostileRecord(1, 0, 0.6), hostileRecord(1, 1, 0.62)];
  writeFileSync(join(HOSTILE_FOLDER, 'results.jsonl'), `${lines.join('\n')}\n`);
  const run = spawnSync(process.execPath, [BIN, 'experiment', 'report', HOSTILE_FOLDER, '--html'], {
    encoding: 'utf8',
    env: { ...process.env, MIASCOPE_EXPERIMENT_MODULES: modulePath },
  });
  assert.is(run.status, 0, run.stderr);

  const page = readFileSync(join(HOSTILE_FOLDER, 'report.html'), 'utf8');
  assert.is(plotCount(page), 1);
  assert.not.match(page, /<script/i);
  assert.not.match(page, /<img/i);
  assert.not.match(page, /<b>/);
  // Quoted attribute values may hold escaped text such as "&lt;svg onload=...", so only the attribute names count.
  for (const tag of page.match(/<[a-zA-Z][^>]*>/g) ?? []) assert.not.match(tag.replace(/"[^"]*"/g, '""'), /\son[a-z]+\s*=/i, tag.slice(0, 120));
  assert.ok(page.includes('toy-&lt;img src=x onerror=alert(1)&gt;'), 'escaped spec id');
  assert.ok(page.includes('&quot;&gt;&lt;svg onload=alert(2)&gt;.csv'), 'escaped dataset name');
  assert.ok(page.includes('Claims &amp; &quot;quotes&quot; &#39;single&#39; &lt;b&gt;bold&lt;/b&gt;.'), 'escaped claim');
  assert.ok(page.includes('o&#39;hara &amp; &lt;co&gt;'), 'escaped folder name');
  assert.ok(page.includes('size&lt;b&gt;'), 'escaped point setting');
});

test.run();
