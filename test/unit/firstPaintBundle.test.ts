// What activation loads (issue 15): the main bundle holds the first paint only. Bundles
// src/extension.ts as scripts/build.mjs does (minified, `vscode` external) and lists the modules that
// put code into the output; what the first paint does not need must be in a lazily loaded bundle.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { build, type BuildOptions } from 'esbuild';

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

/** src/extension.ts bundled as scripts/build.mjs bundles it, in memory. */
const FIRST_PAINT = {
  entryPoints: [join(ROOT, 'src', 'extension.ts')],
  absWorkingDir: ROOT,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: true,
  write: false,
} satisfies BuildOptions;

describe('the first-paint bundle (dist/extension.js)', () => {
  test('holds none of what loads on first use, and stays under 110 KB before the shared-module registry', async () => {
    const result = await build({
      ...FIRST_PAINT,
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

  test('loading it builds no Intl formatter or segmenter (ICU data is loaded on first use, not at activation)', async () => {
    const result = await build({ ...FIRST_PAINT, logLevel: 'silent' });
    const [file] = result.outputFiles;
    assert.ok(file);
    // Any member of the stand-in is a class, enough for the bundle's module-level code to run.
    const vscodeStub: unknown = new Proxy(
      {},
      {
        get: () =>
          class {
            readonly stub = true;
          },
      },
    );
    const built: string[] = [];
    const kinds = ['Segmenter', 'DateTimeFormat', 'NumberFormat', 'RelativeTimeFormat', 'Collator'] as const;
    const originals = kinds.map((kind) => [kind, Intl[kind]] as const);
    for (const [kind, Original] of originals) {
      Object.defineProperty(Intl, kind, {
        configurable: true,
        writable: true,
        value: new Proxy(Original, {
          construct(target, args: unknown[]) {
            built.push(kind);
            return Reflect.construct(target, args) as object;
          },
        }),
      });
    }
    try {
      const module = { exports: {} as Record<string, unknown> };
      const load = compileFunction(file.text, ['require', 'module', 'exports']) as (
        require: (id: string) => unknown,
        module: { exports: unknown },
        exports: unknown,
      ) => void;
      const nodeRequire = createRequire(__filename);
      load((id) => (id === 'vscode' ? vscodeStub : (nodeRequire(id) as unknown)), module, module.exports);
      assert.equal(typeof module.exports.activate, 'function', 'the bundle loaded');
    } finally {
      for (const [kind, Original] of originals) {
        Object.defineProperty(Intl, kind, { configurable: true, writable: true, value: Original });
      }
    }
    assert.deepEqual(built, []);
  });
});
