// The Japanese pass: `runIntegration.js --locale ja --tests out/test/japanese/index.js` runs the
// tests beside this file in a workbench whose display language is Japanese.
import { runTestsIn } from '../integration/index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
