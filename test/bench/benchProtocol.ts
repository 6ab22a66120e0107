// What the benchmark's extension-host entries hand back to the runner. Both sides import this file,
// so it imports neither `vscode` nor playwright. The runner starts the VS Code server with these
// variables; the extension host it forks inherits them. An entry writes its result as JSON to
// $BENCH_RESULT_FILE (as `<file>.tmp`, then renamed), and the runner reads it after the workbench
// reports that the entry's run() settled.
import { rename, writeFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Where the entry writes its JSON result. */
export const RESULT_FILE_ENV = 'BENCH_RESULT_FILE';
/** Activation entry: the id of the extension to activate. */
export const EXTENSION_ID_ENV = 'BENCH_EXTENSION_ID';
/** Workload entry: how many repeats of each measurement. */
export const REPEATS_ENV = 'BENCH_REPEATS';
/** Workload entry, diagnostics only: write V8 CPU profiles of the activation and the tree refresh here. */
export const CPU_PROFILE_DIR_ENV = 'BENCH_CPU_PROFILE_DIR';

export const OUR_EXTENSION_ID = 'line-login-devtools.line-login-devtools';
export const EMPTY_EXTENSION_ID = 'line-login-bench.empty-extension';
export const GITHUB_AUTH_EXTENSION_ID = 'vscode.github-authentication';

export interface MemorySnapshot {
  readonly heapUsed: number;
  readonly rss: number;
}

export interface ActivationSample {
  readonly extensionId: string;
  /** `isActive` before the timed call; a sample with `true` measured nothing and is discarded. */
  readonly wasActive: boolean;
  /** `await vscode.extensions.getExtension(id).activate()`, performance.now() around it. */
  readonly activateMs: number;
  /** Forced GC before each snapshot when `gcForced`. */
  readonly before: MemorySnapshot;
  /** After activate() resolved and 500 ms for the work it started (a tree load, secret reads) to settle. */
  readonly after: MemorySnapshot;
  readonly gcForced: boolean;
  /** Extensions already active before the call (to show that the workbench activated nothing of ours). */
  readonly activeBefore: readonly string[];
}

export interface RequestTiming {
  readonly method: string;
  readonly path: string;
  readonly durationMs: number;
}

export interface SignInSample {
  /** Command start → loopback listener up and authorize URL built (`listening`). */
  readonly toListeningMs: number;
  /** Command start → `vscode.env.openExternal` resolved (`browserOpened`). */
  readonly toBrowserOpenedMs: number;
  /** `callbackReceived` → the command resolved (tokens stored, account selected and revealed in the tree). */
  readonly callbackToDoneMs: number;
  /** `callbackReceived` → `stored`. */
  readonly callbackToStoredMs: number;
  /** callbackToStoredMs − emulatorRequestsMs: code exchange, ID token check, profile, SecretStorage write. */
  readonly callbackToStoredNetMs: number;
  /** `storing` → `stored`: the store's write (lock, generation mark, SecretStorage), inside callbackToStoredNetMs. */
  readonly storeWriteMs: number;
  /** `stored` → the command resolved: selecting the account (globalState); the reveal is not waited for. */
  readonly storedToDoneMs: number;
  /** The part of storedToDone spent inside `treeView.reveal` (the workbench opens and draws the view). */
  readonly revealMs: number;
  /** The emulator's share of callbackToDone: the token and profile requests as the client timed them. */
  readonly emulatorRequestsMs: number;
  /** callbackToDoneMs − emulatorRequestsMs. */
  readonly callbackToDoneNetMs: number;
  readonly requests: readonly RequestTiming[];
}

export interface TreeSample {
  /** `explorer.refresh()` (re-read the store, build the model) + getChildren/getTreeItem for every node. */
  readonly refreshAndWalkMs: number;
  /** getChildren/getTreeItem for every node of the model already built. */
  readonly walkOnlyMs: number;
  /** Baseline: `secrets.get('lineLogin.accounts.v1')` + `JSON.parse`, what any tree over the store must do. */
  readonly readParseMs: number;
}

export interface ScaleSample {
  /** `explorer.refresh()` + the first level (channels) and their tree items. */
  readonly firstLevelMs: number;
  /** One channel's accounts (getChildren + getTreeItem), as when the person expands it. */
  readonly channelAccountsMs: number;
  /** Another window's `secrets.store` of a changed document → this window's tree shows the change. */
  /** From the other window's first store() call until this window's tree shows the change. */
  readonly crossWindowMs: number;
  /** The other window's two store() calls alone (its side of the change, inside crossWindowMs). */
  readonly otherWindowWriteMs: number;
}

export interface WorkloadResult {
  readonly signIn: readonly SignInSample[];
  /** Baseline: node:http listen on 127.0.0.1:0 + one fetch round trip + close, in the same extension host. */
  readonly bareLoopbackMs: readonly number[];
  /** Context for the store step: one SecretStorage get and one store of a small value (VS Code's round trips). */
  readonly secretGetMs: readonly number[];
  readonly secretStoreMs: readonly number[];
  readonly tree: readonly TreeSample[];
  readonly scale: readonly ScaleSample[];
  /** The Flows view's first level (getChildren + getTreeItem) with `flowsShown` recorded flows. */
  readonly flowsFirstPaintMs: readonly number[];
  readonly flowsShown: number;
  /** The first command after activation (loads dist/features.js) minus the median of the next three. */
  readonly firstCommandExtraMs: number;
  /** Whether dist/features.js was already loaded before the first command (it should not be). */
  readonly featuresLoadedBeforeFirstCommand: boolean;
  readonly treeShape: {
    readonly channels: number;
    readonly accounts: number;
    readonly nodes: number;
    readonly accountsJsonBytes: number;
  };
  readonly memory: {
    readonly beforeActivation: MemorySnapshot;
    readonly afterActivation: MemorySnapshot;
    /** After the sign-ins, just before the 1,000 accounts are stored. */
    readonly beforeLargeStore: MemorySnapshot;
    /** The 1,000 accounts stored and shown as the open view asks: 50 channels and their accounts. */
    readonly withLargeStore: MemorySnapshot;
    /** After the tree was walked whole (all 20,050 nodes built) and timed. */
    readonly withLargeTree: MemorySnapshot;
    readonly gcForced: boolean;
  };
}

export type EntryResult =
  | { readonly ok: true; readonly activation: ActivationSample }
  | { readonly ok: true; readonly workload: WorkloadResult }
  | { readonly ok: false; readonly error: string };

export async function writeResult(result: EntryResult): Promise<void> {
  const file = process.env[RESULT_FILE_ENV];
  if (file === undefined || file === '') {
    throw new Error(`${RESULT_FILE_ENV} is not set: run the benchmark through node out/test/bench/runBench.js`);
  }
  await writeFile(`${file}.tmp`, JSON.stringify(result));
  await rename(`${file}.tmp`, file);
}

/**
 * A forced full GC, so heap figures compare live objects rather than garbage not yet collected. The
 * extension host is not started with --expose-gc; turning the flag on at run time makes `gc` a global
 * of contexts created afterwards. Undefined when that does not work (figures are then noisier).
 */
export function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') {
      return () => {
        (gc as () => void)();
      };
    }
  } catch {
    // Fall through: no forced GC.
  }
  return undefined;
}

export function memorySnapshot(gc: (() => void) | undefined): MemorySnapshot {
  gc?.();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}
