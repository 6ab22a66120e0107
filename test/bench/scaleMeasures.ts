// Workload measurements at scale, in the extension host (see workloadEntry.ts): the token tree's
// first level and one channel's accounts as the view asks for them, a store change written by
// "another window" until this window's tree shows it, and the Flows view's first paint with 50
// recorded flows. Nothing here writes a token or secret anywhere but SecretStorage.
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import { listedAccount, serializeListing } from '../../src/core/accountListing';
import type { FetchLike } from '../../src/core/lineHttp';
import type { TokenSet } from '../../src/core/types';
import type { ScaleSample } from './benchProtocol';
import { delay } from '../support/wait';

const SECRETS_KEY = 'lineLogin.accounts.v1';
const LISTING_KEY = 'lineLogin.accounts.v1.listing';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** Resolves on the next onDidChangeTreeData of the token explorer (or rejects after `timeoutMs`). */
function nextRedraw(hooks: TestHooks, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolveRedraw, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error('The tree was not redrawn after another window changed the store'));
    }, timeoutMs);
    const subscription = hooks.explorer.onDidChangeTreeData(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolveRedraw();
    });
  });
}

/**
 * One sample: the first level after a refresh, one channel's accounts, and a change another window
 * wrote (one account's display name, generation + 1) until the first level and that channel's
 * accounts show it. `round` makes each change different.
 */
export async function measureScaleOnce(hooks: TestHooks, round: number): Promise<ScaleSample> {
  const firstStarted = performance.now();
  hooks.explorer.refresh();
  const roots = await hooks.explorer.getChildren();
  for (const root of roots) {
    hooks.explorer.getTreeItem(root);
  }
  const firstLevelMs = performance.now() - firstStarted;

  const channel = roots[round % roots.length];
  if (channel === undefined) {
    throw new Error('The tree has no channels');
  }
  const accountsStarted = performance.now();
  const accounts = await hooks.explorer.getChildren(channel);
  for (const account of accounts) {
    hooks.explorer.getTreeItem(account);
  }
  const channelAccountsMs = performance.now() - accountsStarted;

  // Another window's write, as its SecretTokenStore makes it: the whole document with one account
  // changed, then the listing of that document. Prepared before the clock starts (the other window's work).
  const raw = await hooks.secrets.get(SECRETS_KEY);
  const document = JSON.parse(raw ?? '{}') as { version: 1; generation?: number; accounts: TokenSet[] };
  const channelId = (channel as { channelId?: string }).channelId;
  const target = document.accounts.find((account) => account.channelId === channelId);
  if (target?.profile === undefined) {
    throw new Error('The measured channel has no account with a profile');
  }
  const newName = `Renamed ${round} ${Date.now() % 100_000}`;
  target.profile.displayName = newName;
  document.generation = (document.generation ?? 0) + 1;
  const changed = JSON.stringify(document);
  const listing = serializeListing({ generation: document.generation, accounts: document.accounts.map(listedAccount) });
  const redraw = nextRedraw(hooks);
  const changeStarted = performance.now();
  await hooks.secrets.store(SECRETS_KEY, changed);
  await hooks.secrets.store(LISTING_KEY, listing);
  const otherWindowWriteMs = performance.now() - changeStarted;
  await redraw;
  const rootsAfter = await hooks.explorer.getChildren();
  const channelAfter = rootsAfter.find((node) => (node as { channelId?: string }).channelId === channelId);
  const accountsAfter = channelAfter === undefined ? [] : await hooks.explorer.getChildren(channelAfter);
  const shown = accountsAfter.some((node) => labelOf(hooks.explorer.getTreeItem(node)).includes(newName));
  const crossWindowMs = performance.now() - changeStarted;
  if (!shown) {
    throw new Error("The tree redrew, but without the other window's change");
  }
  return { firstLevelMs, channelAccountsMs, crossWindowMs, otherWindowWriteMs };
}

/** Canned LINE answers: the recorded flows' steps need no network. */
const fakeLine: FetchLike = (input) => {
  const path = new URL(input).pathname;
  const body =
    path === '/oauth2/v2.1/verify'
      ? { scope: 'profile openid', client_id: '1690000004', expires_in: 2591659 }
      : { userId: `U${'e'.repeat(32)}`, displayName: 'Bench', pictureUrl: 'https://profile.line-scdn.net/x' };
  return Promise.resolve(
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
  );
};

/** Records `count` flows (verify + profile) in this window's recorder, as commands would. */
export async function recordFlows(hooks: TestHooks, count: number): Promise<void> {
  const recorder = hooks.services.recorder;
  const fetch = recorder.wrapFetch(fakeLine);
  for (let index = 0; index < count; index++) {
    await recorder.run({ kind: 'verifyAccessToken', channelId: '1690000004' }, async () => {
      const init = { method: 'GET', headers: { authorization: 'Bearer x' } };
      await (await fetch(`https://api.line.me/oauth2/v2.1/verify?access_token=${'f'.repeat(40)}`, init)).text();
      await (await fetch('https://api.line.me/v2/profile', init)).text();
    });
  }
}

/** The Flows view's first level as VS Code asks for it when the view opens: children + tree items. */
export async function flowsFirstPaintMs(hooks: TestHooks): Promise<{ ms: number; flows: number }> {
  // As VS Code holds it: a provider whose answers may be promises.
  const view: vscode.TreeDataProvider<unknown> = hooks.inspector.view;
  const started = performance.now();
  const roots = await Promise.resolve(view.getChildren());
  for (const root of roots ?? []) {
    await Promise.resolve(view.getTreeItem(root));
  }
  const ms = performance.now() - started;
  await delay(0);
  return { ms, flows: roots?.length ?? 0 };
}
