/**
 * Where token sets live: the interface and its types. The rules every store follows are in
 * snapshotTokenStore.ts (an in-memory store for tests is in inMemoryTokenStore.ts); the VS Code layer
 * implements them over SecretStorage. Accounts are keyed by channel and `sub` (never by name or email:
 * LINE user IDs are stable per provider, names are not).
 */
import type { GenerationMark, MachineLock } from './machineLock';
import type { ListedAccount } from './accountListing';
import type { TokenSet } from './types';

export interface AccountKey {
  channelId: string;
  userId: string;
}

export interface Disposable {
  dispose(): void;
}

/** What to make of an account, given what is stored for it; `undefined` in and out means absent. */
export type AccountChange = (current: TokenSet | undefined) => TokenSet | undefined;

/** A document that could not be read whole was moved aside (nothing is destroyed). */
export interface SetAsideReport {
  /** Where the unreadable text now is. */
  backupKey: string;
  /** Why it could not be read (never its content). */
  reason: string;
  /** Accounts that were readable and kept in the new document. */
  salvaged: number;
}

export interface TokenStore {
  list(): Promise<TokenSet[]>;
  /** The accounts as lists show them, without their tokens: cheaper than list() (see accountListing.ts). */
  listAccounts(): Promise<ListedAccount[]>;
  get(key: AccountKey): Promise<TokenSet | undefined>;
  /** The account as last written by any window: waits for another window's write to arrive. */
  getLatest(key: AccountKey): Promise<TokenSet | undefined>;
  /** Replaces the whole set for the account in one write. */
  put(tokenSet: TokenSet): Promise<void>;
  /** Changes one account from its latest stored state; resolves to what is now stored (or kept). */
  update(key: AccountKey, change: AccountChange): Promise<TokenSet | undefined>;
  delete(key: AccountKey): Promise<boolean>;
  deleteChannel(channelId: string): Promise<number>;
  /** Throws ERR_STORE_UNAVAILABLE unless the store can be read and written right now. */
  checkWritable(): Promise<void>;
  /** Writes changes kept in memory after a failed write; resolves to true when none are left. */
  saveUnsaved(): Promise<boolean>;
  /** Accounts whose latest tokens exist only in this window's memory. */
  unsavedAccounts(): AccountKey[];
  /** Deletes every account (and any moved-aside copy), readable or not. LINE is not told. */
  reset(): Promise<ResetReport>;
  /** Fires after any change, including changes made by another VS Code window. */
  onDidChange(listener: () => void): Disposable;
  onDidSetAside(listener: (report: SetAsideReport) => void): Disposable;
}

export interface ResetReport {
  /** Accounts the document held; undefined when it could not be read. */
  removedAccounts: number | undefined;
  removedBackups: number;
}

export function accountId(key: AccountKey): string {
  return `${key.channelId}/${key.userId}`;
}

export function sameAccount(a: AccountKey, b: AccountKey): boolean {
  return a.channelId === b.channelId && a.userId === b.userId;
}

/** One read of the stored document. */
export interface StoredDocument {
  accounts: Map<string, TokenSet>;
  /** Absent in documents written before generations existed, or by hand: taken as current. */
  generation: number | undefined;
  /** The text could not be read whole: why, and the text itself; `accounts` holds what was readable. */
  damage?: { reason: string; raw: string };
}

export interface TokenStoreOptions {
  /** Shared with every window on the machine (FileLock); the default only orders this process. */
  lock?: MachineLock;
  generation?: GenerationMark;
  /** Pauses before the second, third… attempt of a failed write. */
  writeRetryDelaysMs?: readonly number[];
  /** How long a read under the lock waits for another window's write to reach this window. */
  freshReadBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Worth a line in the log (never a token). */
  onWarning?: (message: string) => void;
  /**
   * Every token set the store hands out, before the caller has it: the log's redactor learns tokens
   * here, only those this window ever holds, rather than by reading every stored token on each change.
   */
  onHandedOut?: (tokenSet: TokenSet) => void;
}
