/**
 * Loads one of the extension's other bundles (dist/features.js, dist/fileLock.js) from next to
 * dist/extension.js. They share this bundle's module instances (one TokenError class, one Logger)
 * through the registry scripts/build.mjs adds to it, so what they import from here is not copied.
 */
import { join } from 'node:path';

/** The bundle's exports, unchecked: the caller names what it expects (the bundles are built together). */
export function loadBundle(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded on first use
  return require(join(__dirname, file));
}
