// @ts-check
// Configuration for @vscode/test-cli (`npx vscode-test`), the standard route for people whose
// machines can download VS Code builds from Microsoft. It is not a dependency of this project: these
// machines cannot reach those downloads, so `npm run test:integration` runs the same test files in
// the VS Code 1.100.3 server from npm instead (test/host/README.md). Build first:
// `node scripts/build.mjs && node scripts/build-tests.mjs`.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/integration/**/*.test.js',
  // 'stable' by default; VSCODE_TEST_VERSION=1.90.0 checks the oldest version engines.vscode admits.
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  // Only the extension under test, as in the harness.
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 30_000, color: true },
});
