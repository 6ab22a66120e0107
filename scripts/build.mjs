// Bundles the extension into dist/ (CommonJS, `vscode` external):
//   dist/extension.js  what activation and the first paint need (src/extension.ts);
//   dist/features.js   commands, LINE client, jose, Inspector, exports, the auth provider's internals;
//   dist/fileLock.js   the machine-wide lock (proper-lockfile, graceful-fs), loaded when first taken;
//   dist/localLine.js  Local LINE: the emulator, its pages and its controller, loaded on Start.
// The lazy bundles are required on first use (src/vscode/lazyBundle.ts). They must share the main
// bundle's module instances (one TokenError class for `instanceof`, one Logger, one store), so a
// module the main bundle already holds is not bundled again: the main bundle exports a registry of
// its source modules (`__kernel`), and the lazy bundles' imports of those modules read it.
import * as esbuild from 'esbuild';
import { relative, resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = resolve(import.meta.dirname, '..');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  // The Japanese advice and l10n fallbacks stay UTF-8 (esbuild's default 'ascii' writes each as \uXXXX, 6 bytes).
  charset: 'utf8',
  logLevel: 'warning',
};

/**
 * Lazily loaded entries: dist/<name>.js from `in`; `mainFields` (optional) is esbuild's package entry
 * preference for that bundle.
 */
const LAZY = [
  { name: 'features', in: 'src/vscode/features.ts' },
  { name: 'fileLock', in: 'src/core/fileLock.ts' },
  // jsonc-parser's "main" is a UMD build whose require('./impl/format') esbuild cannot follow: its
  // ES module build ("module") bundles.
  { name: 'localLine', in: 'src/vscode/localLine/lazy/index.ts', mainFields: ['module', 'main'] },
];

function mainEntry(kernelFiles) {
  const imports = kernelFiles.map((file, index) => `import * as m${index} from ${JSON.stringify(`./${file}`)};`);
  const registry = kernelFiles.map((file, index) => `  ${JSON.stringify(file)}: m${index},`);
  return ["export * from './src/extension';", ...imports, `export const __kernel = {\n${registry.join('\n')}\n};`].join(
    '\n',
  );
}

function mainOptions(kernelFiles) {
  return {
    ...common,
    stdin: { contents: mainEntry(kernelFiles), resolveDir: root, sourcefile: 'main-entry.ts', loader: 'ts' },
    outfile: 'dist/extension.js',
  };
}

/** Resolves imports of modules the main bundle holds to its `__kernel` registry; notes which in `used`. */
function shareKernel(kernelFiles, used) {
  const shared = new Set(kernelFiles);
  return {
    name: 'share-kernel',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData === 'share-kernel' || args.namespace !== 'file') {
          return undefined;
        }
        const resolved = await build.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: 'share-kernel',
        });
        const file = relative(root, resolved.path).split('\\').join('/');
        if (!shared.has(file)) {
          return undefined;
        }
        used.add(file);
        return { path: file, namespace: 'kernel' };
      });
      build.onResolve({ filter: /^main-bundle$/ }, () => ({ path: './extension.js', external: true }));
      build.onLoad({ filter: /.*/, namespace: 'kernel' }, (args) => ({
        contents: `module.exports = require('main-bundle').__kernel[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

function lazyOptions(entry, kernelFiles, used) {
  return {
    ...common,
    entryPoints: { [entry.name]: entry.in },
    outdir: 'dist',
    plugins: [shareKernel(kernelFiles, used)],
    ...(entry.mainFields === undefined ? {} : { mainFields: entry.mainFields }),
  };
}

/** The source modules the main bundle holds (first pass, nothing written). */
async function kernelFilesOf() {
  const probe = await esbuild.build({ ...mainOptions([]), write: false, metafile: true, sourcemap: false });
  return Object.keys(probe.metafile.inputs)
    .filter((file) => file.startsWith('src/'))
    .sort();
}

// Only the modules the lazy bundles import go into the registry: the rest stay tree-shaken.
const kernelFiles = await kernelFilesOf();
const used = new Set();
if (watch) {
  // A change that alters which modules the main bundle holds needs a restart of the watch.
  const lazy = await Promise.all(LAZY.map((entry) => esbuild.context(lazyOptions(entry, kernelFiles, used))));
  await Promise.all(lazy.map((context) => context.rebuild()));
  await (await esbuild.context(mainOptions([...used].sort()))).watch();
  await Promise.all(lazy.map((context) => context.watch()));
} else {
  await Promise.all(LAZY.map((entry) => esbuild.build(lazyOptions(entry, kernelFiles, used))));
  await esbuild.build(mainOptions([...used].sort()));
}
