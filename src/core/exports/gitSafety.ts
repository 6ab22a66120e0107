/**
 * Whether git would publish a file: a `.env` with live LINE tokens must never be committed.
 * Asks git itself (`ls-files`, `check-ignore`), so every .gitignore, .git/info/exclude and global
 * excludes file counts exactly as it will when someone runs `git add`.
 */
import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * `tracked`: git already has the file; `ignored`: git will not add it; `notIgnored`: `git add .`
 * would add it; `outsideRepository`: no git repository holds the folder; `gitUnavailable`: no git.
 */
export type GitExposure = 'tracked' | 'ignored' | 'notIgnored' | 'outsideRepository' | 'gitUnavailable';

interface GitResult {
  exitCode: number | undefined;
  missing: boolean;
}

function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, windowsHide: true, timeout: 10_000 }, (error) => {
      if (error === null) {
        resolve({ exitCode: 0, missing: false });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      resolve(
        code === 'ENOENT'
          ? { exitCode: undefined, missing: true }
          : { exitCode: typeof code === 'number' ? code : undefined, missing: false },
      );
    });
  });
}

export async function gitExposure(file: string): Promise<GitExposure> {
  const folder = dirname(file);
  const inside = await git(folder, ['rev-parse', '--is-inside-work-tree']);
  if (inside.missing) {
    return 'gitUnavailable';
  }
  if (inside.exitCode !== 0) {
    return 'outsideRepository';
  }
  // `--error-unmatch` exits 1 for a file git does not track (ignored or not).
  if ((await git(folder, ['ls-files', '--error-unmatch', '--', basename(file)])).exitCode === 0) {
    return 'tracked';
  }
  // check-ignore: 0 ignored, 1 not ignored, 128 fatal.
  const ignored = await git(folder, ['check-ignore', '--quiet', '--', basename(file)]);
  return ignored.exitCode === 0 ? 'ignored' : 'notIgnored';
}

/** Adds `/<name>` to the .gitignore beside the file (git reads nested .gitignore files), then asks git again. */
export async function ignoreBesideFile(file: string): Promise<GitExposure> {
  const gitignore = join(dirname(file), '.gitignore');
  const existing = await readFile(gitignore, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return '';
    }
    throw error;
  });
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(gitignore, `${separator}/${gitignorePattern(basename(file))}\n`, 'utf8');
  return gitExposure(file);
}

/** A file name as a literal .gitignore pattern (gitignore(5): `\\` escapes glob characters, a leading `#`/`!` and trailing spaces). */
export function gitignorePattern(name: string): string {
  return name
    .replace(/[\\*?[\]]/g, (character) => `\\${character}`)
    .replace(/^[#!]/, (character) => `\\${character}`)
    .replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
}
