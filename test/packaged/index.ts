// Entry for the packaged-extension suite: the extension under test is the .vsix installed with
// `--install-extension`, not the repository, so a file missing from the package fails here.
import { runTestsIn } from '../integration/index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
