// What activation loads (issue 15): the main bundle holds the first paint only. Bundles
// src/extension.ts as scripts/build.mjs does (minified, `vscode` external) and lists the modules that
// put code into the output; what the first paint does not need must be in a lazily loaded bundle.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');

/** Modules (path fragments) that must not put a byte into dist/extension.js. */
const LOADED_ON_FIRST_USE = [
  'node_modules/proper-lockfile/',
  'node_modules/graceful-fs/',
  'jose/dist/webapi/jwt/verify.js',
  'jose/dist/webapi/jwks/remote.js',
  'src/core/inspector/',
  'src/core/loginFlow.ts',
  'src/core/accounts.ts',
  'src/core/idToken.ts',
  'src/core/exports/',
  'src/core/fileLock.ts',
  'src/vscode/commands/',
  'src/vscode/services.ts',
  'src/vscode/features.ts',
  'src/vscode/auth/',
  'src/vscode/errorMessages.ts',
];

describe('the first-paint bundle (dist/extension.js)', () => {
  test('holds none of what loads on first use, and stays under 110 KB before the shared-module registry', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'src', 'extension.ts')],
      absWorkingDir: ROOT,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['vscode'],
      minify: true,
      write: false,
      metafile: true,
      outfile: join(ROOT, 'out', 'first-paint-probe.js'),
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    assert.ok(output);
    const contributing = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file.split('\\').join('/'));
    const misplaced = contributing.filter((file) => LOADED_ON_FIRST_USE.some((fragment) => file.includes(fragment)));
    assert.deepEqual(misplaced, [], 'these belong in dist/features.js or dist/fileLock.js');
    assert.ok(output.bytes <= 110 * 1024, `${String(output.bytes)} bytes`);
  });
});
