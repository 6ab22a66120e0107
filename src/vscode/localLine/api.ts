/**
 * The contract between the features bundle and the lazy Local LINE bundle (dist/localLine.js): types,
 * and the few names both use. Like every lazy bundle, dist/localLine.js takes the modules the main
 * bundle already holds (the error classes among them) from it (scripts/build.mjs), so errors it
 * throws are the main bundle's classes; the window's own objects are handed over in
 * {@link LocalLineHost}.
 */
import type * as vscode from 'vscode';
import type { Flow } from '../../core/inspector/model';
import type { CommandHandler } from '../commands/invocation';
import type { WindowServices } from '../services';

/** Command IDs of Local LINE, each registered by the main bundle and handled in the lazy one. */
export const LOCAL_LINE_COMMANDS = {
  start: 'lineLogin.startLocalLine',
  stop: 'lineLogin.stopLocalLine',
  copyEnv: 'lineLogin.copyLocalLineEnv',
  copyValue: 'lineLogin.copyLocalLineValue',
  useForChannel: 'lineLogin.useLocalLineForChannel',
  useLineAgain: 'lineLogin.useLineAgain',
  createConfig: 'lineLogin.createLocalLineConfig',
  setFault: 'lineLogin.setLocalLineFault',
  clearFault: 'lineLogin.clearLocalLineFault',
  expireUserTokens: 'lineLogin.expireLocalLineUserTokens',
  rotateKeys: 'lineLogin.rotateLocalLineKeys',
  revokeAll: 'lineLogin.revokeAllLocalLineTokens',
  unfriend: 'lineLogin.unfriendLocalLineOfficialAccount',
} as const;

export type LocalLineCommandId = (typeof LOCAL_LINE_COMMANDS)[keyof typeof LOCAL_LINE_COMMANDS];

export const LOCAL_LINE_VIEW_ID = 'lineLogin.localLine';

export const LOCAL_LINE_CONTEXT_KEYS = {
  /** Local LINE is listening in this window. */
  running: 'lineLogin.localLine.running',
  /** This extension's endpoint settings point at Local LINE ("Use LINE Again" restores them). */
  inUse: 'lineLogin.localLine.inUse',
} as const;

export const LOCAL_LINE_SETTINGS = {
  port: 'localLine.port',
  browserHost: 'localLine.browserHost',
} as const;

/** globalState: the endpoint settings before "Use Local LINE for This Channel" (no secrets). */
export const LOCAL_LINE_STATE_KEY = 'lineLogin.localLine.previousEndpoints';

export interface SavedEndpoints {
  /** The user-settings values; absent: the setting was at its default. */
  authorizeBaseUrl?: string;
  apiBaseUrl?: string;
  /** Channels this extension registered from Local LINE (removed again by "Use LINE Again"). */
  addedChannelIds: string[];
}

export interface LocalLineHost {
  readonly services: WindowServices;
  readonly globalState: vscode.Memento;
  /** The Inspector's "your app" flows (issue 12 §3). */
  readonly recordAppFlow: (flow: Flow) => void;
}

/** What dist/localLine.js gives back once loaded. */
export interface LocalLineController {
  readonly view: vscode.TreeDataProvider<unknown>;
  readonly commands: Readonly<Record<LocalLineCommandId, CommandHandler>>;
  /** For the extension-host tests only (TestHooks). */
  readonly testing: LocalLineTesting;
  /** Stops the emulator. */
  dispose(): void;
}

export interface LocalLineTesting {
  /** Exchanges taken for this extension's own sign-in and kept out of "your app" (extensionTraffic.ts). */
  extensionExchangesSkipped(): number;
}

/** The module shape of dist/localLine.js. */
export interface LocalLineModule {
  createLocalLine(host: LocalLineHost): LocalLineController;
}
