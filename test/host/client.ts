// The extension-host side of the harness protocol: what an integration test calls to get a
// screenshot taken or to see and drive the browser tabs that `vscode.env.openExternal` opened.
// Under another runner (F5) there is no harness: `harnessAvailable()` is false
// and `takeScreenshot` resolves to undefined, so the same tests still run.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatRequest,
  HARNESS_DIR_ENV,
  parseReply,
  replyFileName,
  type HarnessReply,
  type HarnessRequest,
  type MeasuredBox,
  type TabInfo,
} from './protocol';
import { delay } from '../support/wait';

// Omit distributed over the union, so each command keeps its own fields.
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestBody = DistributiveOmit<HarnessRequest, 'id'>;

export function harnessAvailable(): boolean {
  return (process.env[HARNESS_DIR_ENV] ?? '') !== '';
}

/**
 * Sends a request and waits for the harness to answer it. Rejects when there is no harness, when
 * the harness reports an error, or after `timeoutMs`.
 */
export async function harnessRequest(body: RequestBody, timeoutMs = 30_000): Promise<HarnessReply> {
  const dir = process.env[HARNESS_DIR_ENV];
  if (dir === undefined || dir === '') {
    throw new Error(`Not running under the integration harness (${HARNESS_DIR_ENV} is unset)`);
  }
  const id = randomUUID();
  const request = { ...body, id } as HarnessRequest;
  console.log(formatRequest(request));
  const replyFile = join(dir, replyFileName(id));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let text: string | undefined;
    try {
      text = await readFile(replyFile, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      const reply = parseReply(text);
      if (reply === undefined) {
        throw new Error(`The harness wrote an unreadable reply to ${request.command}: ${text}`);
      }
      if (!reply.ok) {
        throw new Error(`The harness could not ${request.command}: ${reply.error ?? 'no reason given'}`);
      }
      return reply;
    }
    await delay(50);
  }
  throw new Error(`The harness did not answer ${request.command} within ${timeoutMs} ms`);
}

/**
 * Saves a PNG of the whole workbench to `repoRelativePath` (e.g. `docs/token-explorer.png`) and
 * resolves once the file is written. Resolves to undefined without a harness.
 */
export async function takeScreenshot(repoRelativePath: string, timeoutMs = 30_000): Promise<string | undefined> {
  if (!harnessAvailable()) {
    return undefined;
  }
  const reply = await harnessRequest({ command: 'screenshot', path: repoRelativePath }, timeoutMs);
  return reply.path;
}

/** Every tab opened after the workbench, e.g. by `vscode.env.openExternal`, with its URL history. */
export async function browserTabs(): Promise<readonly TabInfo[]> {
  const reply = await harnessRequest({ command: 'tabs' });
  return reply.tabs ?? [];
}

/** Waits until a tab whose URL contains `urlIncludes` shows `selector`, then clicks it. */
export async function clickInTab(urlIncludes: string, selector: string, timeoutMs = 20_000): Promise<void> {
  // The harness gets the same budget for finding the element, plus time to answer.
  await harnessRequest({ command: 'click', urlIncludes, selector, timeoutMs }, timeoutMs + 5_000);
}

export async function closeTabs(): Promise<void> {
  await harnessRequest({ command: 'closeTabs' });
}

/** Polls `browserTabs()` until one tab's history has a URL for which `match` is true. */
export async function waitForTab(match: (url: string) => boolean, timeoutMs = 20_000): Promise<TabInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tab = (await browserTabs()).find((candidate) => candidate.history.some(match));
    if (tab !== undefined) {
      return tab;
    }
    if (Date.now() > deadline) {
      throw new Error(`No browser tab matched within ${timeoutMs} ms`);
    }
    await delay(100);
  }
}

/** Waits for `selector` in the workbench (e.g. `.quick-input-widget`), types `text`, presses `press`. */
export async function answerWorkbench(
  selector: string,
  input: { click?: boolean; text?: string; press?: string },
  timeoutMs = 20_000,
): Promise<void> {
  await harnessRequest({ command: 'workbenchInput', selector, ...input, timeoutMs }, timeoutMs + 5_000);
}

/**
 * The rendered text of every element matching `selector` (see the `readText` request): in the
 * workbench, or in the tab whose URL contains `options.urlIncludes`; `options.hover` first moves the
 * mouse over an element so its hover appears.
 */
export async function readText(
  selector: string,
  options: { urlIncludes?: string; hover?: string } = {},
  timeoutMs = 20_000,
): Promise<readonly string[]> {
  const reply = await harnessRequest({ command: 'readText', selector, ...options, timeoutMs }, timeoutMs + 5_000);
  return reply.texts ?? [];
}

/**
 * The rendered text and the widths of every workbench element matching `selector` (see the `measure`
 * request): whatever the workbench cut with an ellipsis has `scrollWidth > clientWidth`.
 */
export async function measure(selector: string, timeoutMs = 20_000): Promise<readonly MeasuredBox[]> {
  const reply = await harnessRequest({ command: 'measure', selector, timeoutMs }, timeoutMs + 5_000);
  return reply.boxes ?? [];
}
