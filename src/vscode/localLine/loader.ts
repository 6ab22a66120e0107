/**
 * Loads dist/localLine.js (the emulator, its pages and the Local LINE controller) on first use, so
 * activation and the main bundle do not pay for it (issue 15). `require` with a computed path:
 * esbuild leaves it alone instead of bundling the module into dist/extension.js.
 */
import path = require('node:path');
import type { LocalLineModule } from './api';

/** The lazy bundle's file; tests check `require.cache` for it. */
export const LOCAL_LINE_BUNDLE = path.join(__dirname, 'localLine.js');

let loaded: LocalLineModule | undefined;

export function loadLocalLineModule(): LocalLineModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazy bundle, see above
  loaded ??= require(LOCAL_LINE_BUNDLE) as LocalLineModule;
  return loaded;
}
