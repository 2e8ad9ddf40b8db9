import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { expandPath, findExecutable, serverCommand } from '../server';

test('expandPath expands ~ and ${workspaceFolder}', () => {
  const ctx = { home: '/home/u', workspaceFolder: '/ws' };
  assert.equal(expandPath('~/bin/jobflow', ctx), '/home/u/bin/jobflow');
  assert.equal(expandPath('${workspaceFolder}/target/debug/jobflow', ctx), '/ws/target/debug/jobflow');
  assert.equal(expandPath(' jobflow ', ctx), 'jobflow');
});

test('findExecutable searches PATH for a bare name', () => {
  const present = new Set(['/opt/jf/bin/jobflow']);
  const ctx = { pathEnv: '/usr/bin:/opt/jf/bin', platform: 'linux' as const, isExecutable: (f: string) => present.has(f) };
  assert.equal(findExecutable('jobflow', ctx), '/opt/jf/bin/jobflow');
  assert.equal(findExecutable('missing', ctx), undefined);
  assert.equal(findExecutable('/opt/jf/bin/jobflow', ctx), '/opt/jf/bin/jobflow');
  assert.equal(findExecutable('/elsewhere/jobflow', ctx), undefined);
});

test('findExecutable uses PATHEXT on Windows', () => {
  const present = new Set(['C:\\tools\\jobflow.EXE']);
  const ctx = {
    pathEnv: 'C:\\Windows;C:\\tools',
    pathExt: '.COM;.EXE',
    platform: 'win32' as const,
    isExecutable: (f: string) => present.has(f),
  };
  assert.equal(findExecutable('jobflow', ctx), 'C:\\tools\\jobflow.EXE');
});

test('serverCommand runs `<path> lsp <extraArgs>` and finds a real file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobflow-'));
  const bin = path.join(dir, 'jobflow');
  fs.writeFileSync(bin, '#!/bin/sh\n');
  fs.chmodSync(bin, 0o755);
  try {
    const cmd = serverCommand(undefined, ['--verbose', 3], { env: { PATH: dir }, platform: 'linux', home: '/h' });
    assert.equal(cmd.command, 'jobflow');
    assert.equal(cmd.resolved, bin);
    assert.deepEqual(cmd.args, ['lsp', '--verbose']);

    const rel = serverCommand('./jobflow', [], { env: { PATH: '' }, platform: 'linux', workspaceFolder: dir, home: '/h' });
    assert.equal(rel.resolved, bin);

    const missing = serverCommand('no-such-jobflow', [], { env: { PATH: dir }, platform: 'linux', home: '/h' });
    assert.equal(missing.resolved, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
