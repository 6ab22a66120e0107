/**
 * "Export to .env File…": an account's credentials as `LINE_*` variables for REST clients
 * (REST Client's `{{$dotenv …}}`, httpyac, Thunder Client) and scripts. The file holds live
 * credentials, so the writer refuses a file git tracks, and only the caller's explicit choice adds
 * the refresh token. The channel secret is never written (docs/security.md, README "What leaves
 * SecretStorage").
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors';
import type { TokenSet } from '../types';
import { gitExposure, type GitExposure } from './gitSafety';

export const DOTENV_VARIABLES = {
  apiBaseUrl: 'LINE_API_BASE_URL',
  channelId: 'LINE_CHANNEL_ID',
  userId: 'LINE_USER_ID',
  accessToken: 'LINE_ACCESS_TOKEN',
  /** The same token percent-encoded: LINE's access tokens hold `+` and `/`, and REST clients do not encode a query. */
  accessTokenUrlEncoded: 'LINE_ACCESS_TOKEN_URL_ENCODED',
  idToken: 'LINE_ID_TOKEN',
  refreshToken: 'LINE_REFRESH_TOKEN',
  /** Read by the .http file's refresh request; never written by this extension (the person adds it). */
  channelSecret: 'LINE_CHANNEL_SECRET',
} as const;

/** Every variable this extension writes; an export replaces all of them, so a stale one never survives. */
const MANAGED: readonly string[] = [
  DOTENV_VARIABLES.apiBaseUrl,
  DOTENV_VARIABLES.channelId,
  DOTENV_VARIABLES.userId,
  DOTENV_VARIABLES.accessToken,
  DOTENV_VARIABLES.accessTokenUrlEncoded,
  DOTENV_VARIABLES.idToken,
  DOTENV_VARIABLES.refreshToken,
];

export interface DotEnvExport {
  tokenSet: Pick<TokenSet, 'channelId' | 'userId' | 'accessToken' | 'idToken' | 'refreshToken'>;
  apiBaseUrl: string;
  /** The explicit second choice; false leaves the refresh token in SecretStorage only. */
  includeRefreshToken: boolean;
}

export function dotEnvValues(source: DotEnvExport): Map<string, string> {
  const values = new Map<string, string>([
    [DOTENV_VARIABLES.apiBaseUrl, source.apiBaseUrl],
    [DOTENV_VARIABLES.channelId, source.tokenSet.channelId],
    [DOTENV_VARIABLES.userId, source.tokenSet.userId],
    [DOTENV_VARIABLES.accessToken, source.tokenSet.accessToken],
    [DOTENV_VARIABLES.accessTokenUrlEncoded, encodeURIComponent(source.tokenSet.accessToken)],
  ]);
  if (source.tokenSet.idToken !== undefined) {
    values.set(DOTENV_VARIABLES.idToken, source.tokenSet.idToken);
  }
  if (source.includeRefreshToken && source.tokenSet.refreshToken !== undefined) {
    values.set(DOTENV_VARIABLES.refreshToken, source.tokenSet.refreshToken);
  }
  return values;
}

/** Tokens, IDs and URLs need no quoting; anything else would be read differently by different .env parsers. */
const PLAIN_VALUE = /^[A-Za-z0-9._~+/=:%-]*$/;

/**
 * The file's new text: the other lines of `existing` kept as they were, every managed variable
 * removed, and the new values appended under one marker comment.
 */
export function renderDotEnv(existing: string, values: ReadonlyMap<string, string>): string {
  for (const [name, value] of values) {
    if (!PLAIN_VALUE.test(value)) {
      throw new InputError('ERR_INVALID_INPUT', `${name} has characters a .env file cannot hold unquoted.`, name);
    }
  }
  const kept = existing
    .split(/\r?\n/)
    .filter((line) => !MANAGED.includes(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1] ?? ''))
    .filter((line) => line !== MARKER);
  while (kept.length > 0 && kept.at(-1) === '') {
    kept.pop();
  }
  const block = [MARKER, ...[...values].map(([name, value]) => `${name}=${value}`)];
  return `${[...kept, ...(kept.length > 0 ? [''] : []), ...block].join('\n')}\n`;
}

const MARKER = '# LINE Login DevTools: live credentials. Keep this file out of version control.';

/** `KEY=value` lines of a .env file (enough for the variables this extension writes and reads). */
export function parseDotEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      const raw = match[2];
      values.set(match[1], /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw);
    }
  }
  return values;
}

export interface DotEnvWriteResult {
  file: string;
  exposure: GitExposure;
  variables: string[];
}

/**
 * Writes the variables into `file` (other lines kept), owner-readable only. Refuses a file git
 * tracks: its next commit would publish the tokens. Reports the git exposure of the file so the
 * caller can offer to ignore it.
 */
export async function writeDotEnv(file: string, source: DotEnvExport): Promise<DotEnvWriteResult> {
  const exposure = await gitExposure(file);
  if (exposure === 'tracked') {
    throw new InputError(
      'ERR_EXPORT_REFUSED',
      `git tracks ${basename(file)}, so its next commit would publish the tokens. Pick a file git does not track (and ignores), or run "git rm --cached ${basename(file)}" and add it to .gitignore first.`,
      'file',
    );
  }
  const existing = await readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return '';
    }
    throw error;
  });
  const values = dotEnvValues(source);
  const text = renderDotEnv(existing, values);
  // Written beside the target and renamed over it, so a reader never sees half a file, and created
  // 0600 so no other local user can read the tokens in between.
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temporary, text, { encoding: 'utf8', mode: 0o600 });
  await rename(temporary, file);
  await chmod(file, 0o600).catch(() => undefined);
  return { file, exposure, variables: [...values.keys()] };
}
