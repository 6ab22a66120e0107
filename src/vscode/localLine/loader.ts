/**
 * Loads dist/localLine.js (the emulator, its pages and the Local LINE controller) on first use, so
 * activation and the main bundle do not pay for it (issue 15); like every lazy bundle, through
 * lazyBundle.ts.
 */
import path = require('node:path');
import { loadBundle } from '../lazyBundle';
import type { LocalLineModule } from './api';

/** The lazy bundle's file; tests check `require.cache` for it. */
export const LOCAL_LINE_BUNDLE = path.join(__dirname, 'localLine.js');

let loaded: LocalLineModule | undefined;

export function loadLocalLineModule(): LocalLineModule {
  loaded ??= loadBundle('localLine.js') as LocalLineModule;
  return loaded;
}
