/**
 * "Keep this .env updated after each refresh" (off unless the person says yes after an export):
 * rewrites the exported file when the account's access token changes, in this window or another.
 * Only account IDs, file paths and the refresh-token choice are remembered (globalState); a file git
 * has started tracking since is not written again, and a signed-out account stops being followed.
 */
import vscode = require('vscode');
import { readFile } from 'node:fs/promises';
import { DOTENV_VARIABLES, parseDotEnv, writeDotEnv } from '../core/exports/dotEnv';
import { isLineLoginError } from '../core/errors';
import { accountId, type AccountKey, type TokenStore } from '../core/tokenStore';
import { STATE_KEYS } from './constants';
import type { Logger } from './logger';

export interface FollowedExport {
  channelId: string;
  userId: string;
  file: string;
  includeRefreshToken: boolean;
}

export class DotEnvFollower implements vscode.Disposable {
  readonly #subscription: { dispose(): void };
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<TokenStore, 'get' | 'onDidChange'>,
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
    private readonly apiBaseUrl: () => string,
  ) {
    this.#subscription = store.onDidChange(() => void this.#enqueue());
  }

  followed(): FollowedExport[] {
    const stored = this.state.get<unknown>(STATE_KEYS.followedDotEnvExports);
    return Array.isArray(stored) ? stored.filter(isFollowedExport) : [];
  }

  async follow(entry: FollowedExport): Promise<void> {
    const others = this.followed().filter((item) => !(item.file === entry.file));
    await this.state.update(STATE_KEYS.followedDotEnvExports, [...others, entry]);
  }

  async unfollow(predicate: (entry: FollowedExport) => boolean): Promise<void> {
    await this.state.update(
      STATE_KEYS.followedDotEnvExports,
      this.followed().filter((entry) => !predicate(entry)),
    );
  }

  /** Settles when every change so far has been written (the tests wait on it). */
  whenApplied(): Promise<void> {
    return this.#queue;
  }

  #enqueue(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#update());
    return this.#queue;
  }

  async #update(): Promise<void> {
    for (const entry of this.followed()) {
      const key: AccountKey = { channelId: entry.channelId, userId: entry.userId };
      try {
        const tokenSet = await this.store.get(key);
        if (tokenSet === undefined) {
          await this.unfollow((item) => item.file === entry.file);
          this.logger.info(`Stopped updating an exported .env file: account ${accountId(key)} was signed out.`);
          continue;
        }
        const current = parseDotEnv(await readFile(entry.file, 'utf8').catch(() => ''));
        if (current.get(DOTENV_VARIABLES.accessToken) === tokenSet.accessToken) {
          continue;
        }
        await writeDotEnv(entry.file, {
          tokenSet,
          apiBaseUrl: this.apiBaseUrl(),
          includeRefreshToken: entry.includeRefreshToken,
        });
        this.logger.info(`Updated the exported .env file for account ${accountId(key)} after a token change.`);
      } catch (error) {
        await this.unfollow((item) => item.file === entry.file);
        this.logger.warn(
          `Stopped updating an exported .env file for account ${accountId(key)}: ${isLineLoginError(error) ? error.code : 'the file could not be written'}.`,
        );
      }
    }
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}

function isFollowedExport(value: unknown): value is FollowedExport {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const entry = value as Partial<FollowedExport>;
  return (
    typeof entry.channelId === 'string' &&
    typeof entry.userId === 'string' &&
    typeof entry.file === 'string' &&
    typeof entry.includeRefreshToken === 'boolean'
  );
}
