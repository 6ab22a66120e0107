/**
 * The lock every VS Code window of one machine shares: a `<name>.lock` directory created with
 * proper-lockfile (`mkdir` is atomic, and a lock whose holder died goes stale). Kept apart from
 * machineLock.ts so the extension's first paint does not load proper-lockfile and graceful-fs.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { TokenError } from './errors';
import { InProcessLock, type MachineLock } from './machineLock';

export interface FileLockOptions {
  /**
   * A lock older than this whose holder stopped touching it is taken over (its window crashed).
   * The holder touches it every `staleMs / 2`; proper-lockfile's minimum is 5 s.
   */
  staleMs?: number;
  /** How long to wait for another holder before giving up with ERR_STORE_BUSY. */
  waitMs?: number;
  /** The lock was taken over while held (this process was frozen longer than `staleMs`). */
  onCompromised?: (error: Error) => void;
}

const DEFAULT_STALE_MS = 10_000;
/** Longer than a refresh can take (LINE's request timeout is 15 s) with room for a queue of windows. */
const DEFAULT_WAIT_MS = 60_000;
const MAX_POLL_MS = 200;

/** Across processes: a `<name>.lock` directory in `directory` (e.g. under the extension's globalStorageUri). */
export class FileLock implements MachineLock {
  readonly #directory: string;
  readonly #staleMs: number;
  readonly #waitMs: number;
  readonly #onCompromised: (error: Error) => void;
  /** Holders in this process queue here first, so proper-lockfile only ever sees other processes. */
  readonly #local = new InProcessLock();

  constructor(directory: string, options: FileLockOptions = {}) {
    this.#directory = directory;
    this.#staleMs = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 5_000);
    this.#waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.#onCompromised = options.onCompromised ?? (() => undefined);
  }

  run<T>(name: string, operation: () => Promise<T>): Promise<T> {
    return this.#local.run(name, async () => {
      const release = await this.#acquire(name);
      try {
        return await operation();
      } finally {
        // A failed release (the lock was compromised and already reported) must not hide the result.
        await release().catch(() => undefined);
      }
    });
  }

  async #acquire(name: string): Promise<() => Promise<void>> {
    const target = join(this.#directory, lockFileName(name));
    try {
      await mkdir(this.#directory, { recursive: true });
    } catch (error) {
      throw new TokenError(
        'ERR_STORE_UNAVAILABLE',
        `The lock folder ${this.#directory} could not be created (${errorCode(error)}).`,
        {},
        { cause: error },
      );
    }
    try {
      return await lockfile.lock(target, {
        realpath: false,
        stale: this.#staleMs,
        retries: retriesFor(this.#waitMs),
        onCompromised: (error) => {
          this.#onCompromised(error);
        },
      });
    } catch (error) {
      if (errorCode(error) === 'ELOCKED') {
        throw new TokenError(
          'ERR_STORE_BUSY',
          `Another VS Code window held the "${name}" lock for more than ${Math.round(this.#waitMs / 1000)} s. Try again; if it persists, close the other windows.`,
          {},
          { cause: error },
        );
      }
      throw new TokenError(
        'ERR_STORE_UNAVAILABLE',
        `The "${name}" lock in ${this.#directory} could not be taken (${errorCode(error)}).`,
        {},
        { cause: error },
      );
    }
  }
}

/** Retries whose waits (10 ms growing to 200 ms) add up to about `waitMs`. */
function retriesFor(waitMs: number): lockfile.LockOptions['retries'] {
  let total = 0;
  let retries = 0;
  let timeout = 10;
  while (total < waitMs) {
    total += timeout;
    retries += 1;
    timeout = Math.min(Math.ceil(timeout * 1.5), MAX_POLL_MS);
  }
  return { retries, factor: 1.5, minTimeout: 10, maxTimeout: MAX_POLL_MS };
}

/** A readable, file-system-safe name that no two lock names share (account IDs may hold any character). */
export function lockFileName(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40);
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${readable}-${digest}`;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
