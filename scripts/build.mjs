// Bundles the extension (CommonJS, `vscode` external). One esbuild build per entry: the main bundle
// is what VS Code loads on activation; every other entry is a lazy bundle that the main bundle
// `require`s from dist/ on first use, so its code costs nothing until then (issue 15). A lazy bundle
// shares no module instances with the main one: whatever must be the same object (error classes
// checked with instanceof, the window's services) is handed to it by the main bundle at load time.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Add a lazy bundle here: `in` is its TypeScript entry, `out` the file under dist/ its loader requires,
 * `mainFields` (optional) esbuild's package entry preference for that bundle.
 */
export const ENTRIES = [
  { in: 'src/extension.ts', out: 'dist/extension.js' },
  // Local LINE: the emulator, its pages and the controller; loaded by src/vscode/localLine/loader.ts on Start.
  // jsonc-parser's "main" is a UMD build whose require('./impl/format') esbuild cannot follow: its
  // ES module build ("module") bundles.
  { in: 'src/vscode/localLine/lazy/index.ts', out: 'dist/localLine.js', mainFields: ['module', 'main'] },
];

function optionsFor(entry) {
  return {
    entryPoints: [entry.in],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: entry.out,
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: production ? 'none' : 'inline',
    logLevel: 'warning',
    ...(entry.mainFields === undefined ? {} : { mainFields: entry.mainFields }),
  };
}

if (watch) {
  for (const entry of ENTRIES) {
    const context = await esbuild.context(optionsFor(entry));
    await context.watch();
  }
} else {
  await Promise.all(ENTRIES.map((entry) => esbuild.build(optionsFor(entry))));
}
