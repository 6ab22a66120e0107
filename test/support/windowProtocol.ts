/**
 * What the two-process test (test/unit/crossWindow.test.ts) and each of its "windows"
 * (windowProcess.ts, a separate node process) say to each other over the IPC channel.
 */
import type { AccountKey } from '../../src/core/tokenStore';
import type { TokenSet } from '../../src/core/types';

export interface WindowInit {
  type: 'init';
  window: string;
  secretsDir: string;
  lockDir: string;
  apiBaseUrl: string;
  authorizeBaseUrl: string;
  channel: { channelId: string; channelSecret: string };
  /** Writes reach the other process after 0…lagMaxMs (VS Code's write-behind). */
  lagMaxMs: number;
  /** Share of SecretStorage.store calls that throw. */
  storeFaultRate: number;
  seed: number;
  /** 'file' is the product; 'process' (a lock that orders this process only) is for checking the test can fail. */
  lock: 'file' | 'process';
}

export type WindowOp =
  | { kind: 'refresh'; account: AccountKey }
  | { kind: 'put'; tokenSet: TokenSet }
  | { kind: 'profile'; account: AccountKey; displayName: string }
  | { kind: 'delete'; account: AccountKey }
  | { kind: 'pause'; ms: number };

export interface RoundRequest {
  type: 'round';
  round: number;
  /** Run side by side inside the window, each lane in order (a command and the auto refresher at once). */
  lanes: WindowOp[][];
}

export interface OpResult {
  ok: boolean;
  errorCode?: string;
}

export interface RoundDone {
  type: 'roundDone';
  round: number;
  /** Per lane, per op. */
  results: OpResult[][];
}

export interface FlushRequest {
  type: 'flush';
}

export interface Flushed {
  type: 'flushed';
  unsavedLeft: number;
  faultsInjected: number;
}

export interface HoldRequest {
  type: 'hold';
  name: string;
}

export interface ReleaseRequest {
  type: 'release';
}

export type ToWindow = WindowInit | RoundRequest | FlushRequest | HoldRequest | ReleaseRequest;
export type FromWindow =
  | { type: 'ready' }
  | RoundDone
  | Flushed
  | { type: 'holding' }
  | { type: 'released' }
  | { type: 'failed'; message: string };

/** A small seeded generator (mulberry32): the same seed gives the same schedule, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
