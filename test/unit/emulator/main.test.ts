import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STARTER_LOCAL_LINE_CONFIG } from '../../../emulator/index';

const MAIN = join('out', 'emulator', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the standalone emulator; `whileRunning` gets its banner once it is up, then it is stopped with SIGTERM. */
function run(args: string[], whileRunning?: (banner: string) => Promise<void>): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--quiet', ...args], {
      env: { ...process.env, LINE_EMULATOR_DEMO_SECRET: '' },
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!started && stdout.includes('Press Ctrl+C to stop.')) {
        started = true;
        const stopping = whileRunning === undefined ? Promise.resolve() : whileRunning(stdout);
        stopping.then(
          () => child.kill('SIGTERM'),
          (error: unknown) => {
            child.kill('SIGTERM');
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('LINE emulator: the standalone server (main.js)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'line-emulator-main-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('--config with a broken file prints each problem as file:line:column and exits 2 without serving', async () => {
    const path = join(dir, 'broken.json');
    const broken = STARTER_LOCAL_LINE_CONFIG.replace('"kind": "web"', '"kind": "webapp"').replace(
      '"0123456789abcdef0123456789abcdef"',
      '"0123456789abcdef0123456789ABCDEF"',
    );
    writeFileSync(path, broken);
    const result = await run(['--config', path]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /has 2 problem\(s\)/);
    const lines = broken.split('\n');
    const kindLine = lines.findIndex((line) => line.includes('"webapp"')) + 1;
    const kindColumn = (lines[kindLine - 1] ?? '').indexOf('"webapp"') + 1;
    assert.ok(result.stderr.includes(`${path}:${kindLine}:${kindColumn}: channels[0].kind must be one of`));
    assert.match(result.stderr, /channelSecret must be 32 lower-case hex digits/);
    assert.equal(result.stderr.includes('0123456789abcdef0123456789ABCDEF'), false);
  });

  test('--config with a missing file says so and exits 2', async () => {
    const result = await run(['--config', join(dir, 'missing.json')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Cannot read the configuration file .*missing\.json \(ENOENT\): check the path/);
  });

  test('--config with the starter file serves its channels; ledger flags are accepted', async () => {
    const path = join(dir, 'line-emulator.json');
    writeFileSync(path, STARTER_LOCAL_LINE_CONFIG);
    const result = await run(
      ['--config', path, '--refresh-token-rotation', '--token-error-style', 'oauth'],
      async (banner) => {
        const apiBase = /API base \(node\):\s+(http:\/\/\S+)/.exec(banner)?.[1];
        assert.ok(apiBase !== undefined, banner);
        // The oauth error style names the failing client check (README ledger L9).
        const response = await fetch(`${apiBase}/oauth2/v2.1/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: '1234567890',
            code: 'x',
          }).toString(),
        });
        assert.equal(response.status, 400);
        assert.deepEqual(await response.json(), {
          error: 'invalid_client',
          error_description: 'invalid client_secret',
        });
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1234567890 \(web; callback http:\/\/localhost:3000\/auth\/line\/callback\)/);
    assert.match(result.stdout, /1234567891 \(native;/);
    assert.match(result.stdout, /Hanako Yamada \(U4af4980629a1b2c3d4e5f60718293a4b\)/);
    assert.equal(result.stdout.includes('0123456789abcdef0123456789abcdef'), false);
  });

  test('a bad flag value is refused with the allowed values', async () => {
    const result = await run(['--token-error-style', 'rfc']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--token-error-style must be one of lineSample, oauth/);
    const both = await run(['--config', join(dir, 'line-emulator.json'), '--auto-approve']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--auto-approve applies to the demo data only/);
  });
});
