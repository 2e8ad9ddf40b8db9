import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeFolds } from '../folding';

test('folds multi-line blocks, keeping the closing bracket visible', () => {
  const src = [
    '{ if x |',          // 0
    "  ['echo }']",      // 1: a bracket inside a string does not count
    '  -> [y = [1,',     // 2
    '         2]]',      // 3
    '}',                 // 4
  ].join('\n');
  assert.deepEqual(computeFolds(src), [
    { start: 0, end: 3 },
    { start: 2, end: 3 },
  ]);
});

test('ignores brackets in comments, strings and patterns', () => {
  const src = ["# {", "[x = '{', y = r'\\'(', z = \"[\"]", '# }'].join('\n');
  assert.deepEqual(computeFolds(src), []);
});

test('folds triple-quoted strings and comment runs', () => {
  const src = [
    '# one',          // 0
    '# two',          // 1
    "[s = '''a",      // 2
    "{ '' b ''''",    // 3: two quotes do not close; of four, the last three do
    ']',              // 4
  ].join('\n');
  assert.deepEqual(computeFolds(src), [
    { start: 0, end: 1, kind: 'comment' },
    { start: 2, end: 3 },
  ]);
});

test('backslash-newline continues a one-quote string', () => {
  const src = ["print('a\\", "(b') -> (", ')'].join('\n');
  // the '(' inside the continued string is ignored: print( closes on line 1;
  // the last pair (lines 1-2) hides nothing since ')' starts its line
  assert.deepEqual(computeFolds(src), [{ start: 0, end: 1 }]);
});

test('region markers', () => {
  const src = ['# region setup', '[a = 1]', '[b = 2]', '# endregion', 'print(a)'].join('\n');
  assert.deepEqual(computeFolds(src), [{ start: 0, end: 3, kind: 'region' }]);
});

test('CRLF line ends', () => {
  const src = '{ fork |\r\n  [a]\r\n  [b]\r\n}\r\n';
  assert.deepEqual(computeFolds(src), [{ start: 0, end: 2 }]);
});
