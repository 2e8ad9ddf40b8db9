import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');

test('the committed grammar is what scripts/build-grammar.js generates', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gen = require(path.join(root, 'scripts', 'build-grammar.js')) as { render(): string };
  assert.equal(read('syntaxes/jobflow.tmLanguage.json'), gen.render(), 'run `npm run grammar`');
});

test('package.json contributions point at existing, valid files', () => {
  const pkg = JSON.parse(read('package.json'));
  const lang = pkg.contributes.languages[0];
  assert.equal(lang.id, 'jobflow');
  assert.deepEqual(lang.extensions, ['.jf']);
  JSON.parse(read(lang.configuration));
  const grammar = pkg.contributes.grammars[0];
  assert.equal(grammar.scopeName, 'source.jobflow');
  assert.equal(JSON.parse(read(grammar.path)).scopeName, 'source.jobflow');
  const snippets = JSON.parse(read(pkg.contributes.snippets[0].path));
  for (const [name, s] of Object.entries<{ prefix: unknown; body: unknown }>(snippets)) {
    assert.ok(s.prefix && Array.isArray(s.body), `snippet ${name}`);
  }
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['jobflow.server.path'].default, 'jobflow');
  assert.deepEqual(props['jobflow.server.extraArgs'].default, []);
  const commands = pkg.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(commands.includes('jobflow.restartServer'));
});

test('snippets cover every block form', () => {
  const bodies = Object.values<{ body: string[] }>(JSON.parse(read('snippets/jobflow.json'))).map((s) =>
    s.body.join('\n'),
  );
  for (const head of ['{ if', 'then:', 'elif', 'else:', '{ case', '{ for', '{ while', '{ choice', '{ fork', '{ pfor', '{ session', '{ try']) {
    assert.ok(bodies.some((b) => b.includes(head)), `no snippet with ${head}`);
  }
});

test('the word pattern matches Japanese identifiers and $ variables', () => {
  const conf = JSON.parse(read('language-configuration.json'));
  const re = new RegExp(conf.wordPattern.pattern, conf.wordPattern.flags + 'g');
  assert.deepEqual('[再起動回数 = $STATUS + 1.5] -> [./URLチェック]'.match(re), [
    '再起動回数',
    '$STATUS',
    '1.5',
    'URLチェック',
  ]);
});
