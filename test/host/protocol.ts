// The line protocol between extension-host tests and the harness (see test/host/README.md).
// Both sides import this file, so it imports neither `vscode` nor playwright.
//
// Requests travel on the extension host's console: the workbench forwards every extension-host
// console.log line to the page console, which the harness already reads. Replies travel back through
// files in a folder the harness creates and names in VSCODE_TEST_HARNESS_DIR (the server and the
// extension host it forks run on this machine and inherit the variable), because nothing flows from
// the page into the extension host.

/** Set by the harness on the server process; the extension host inherits it. */
export const HARNESS_DIR_ENV = 'VSCODE_TEST_HARNESS_DIR';
/** Prefix of a request line: `@@harness {"id":"…","command":"screenshot","path":"docs/x.png"}`. */
export const REQUEST_PREFIX = '@@harness ';
/** Printed by the test index before the first test: from here on the page console is test output. */
export const BEGIN_MARKER = '@@begin';
/** Prefix of the summary the test index prints when mocha finishes. */
export const RESULTS_PREFIX = '@@results ';

export type HarnessRequest =
  /** PNG of the workbench page, written to `path` relative to the repository root. */
  | { readonly id: string; readonly command: 'screenshot'; readonly path: string }
  /** Every browser tab opened after the workbench (e.g. by `vscode.env.openExternal`). */
  | { readonly id: string; readonly command: 'tabs' }
  /** Waits for a tab whose URL contains `urlIncludes`, then for `selector` in it, and clicks it. */
  | {
      readonly id: string;
      readonly command: 'click';
      readonly urlIncludes: string;
      readonly selector: string;
      readonly timeoutMs?: number;
    }
  /** Closes every tab except the workbench. */
  | { readonly id: string; readonly command: 'closeTabs' }
  /**
   * What a person reads: the rendered text (`innerText`) of every element matching `selector`, in
   * the workbench or, with `urlIncludes`, in the first open tab whose URL contains it. Waits for the
   * first match to be visible; with `hover`, first moves the mouse over that element (a tree row)
   * so its hover shows.
   */
  | {
      readonly id: string;
      readonly command: 'readText';
      readonly selector: string;
      readonly urlIncludes?: string;
      readonly hover?: string;
      readonly timeoutMs?: number;
    }
  /**
   * Whether text fits its box: for every element matching `selector` in the workbench (e.g. a tree
   * row's label container, which the workbench cuts with an ellipsis), its rendered text and its
   * `scrollWidth` and `clientWidth`. Waits for the first match to be visible.
   */
  | { readonly id: string; readonly command: 'measure'; readonly selector: string; readonly timeoutMs?: number }
  /**
   * Answers VS Code's own UI as a person would: waits for `selector` to be visible in the workbench
   * (e.g. the quick input), clicks it when `click` is set (e.g. a notification's button), types `text`
   * into the focused element, then presses `press` (e.g. Enter).
   */
  | {
      readonly id: string;
      readonly command: 'workbenchInput';
      readonly selector: string;
      readonly click?: boolean;
      readonly text?: string;
      readonly press?: string;
      readonly timeoutMs?: number;
    };

export type HarnessCommand = HarnessRequest['command'];

export interface TabInfo {
  /** The tab's current URL. */
  readonly url: string;
  /** Every main-frame URL the tab has shown, first to last (the URL openExternal opened comes first). */
  readonly history: readonly string[];
  readonly closed: boolean;
}

/** One element a `measure` request found: it overflows when `scrollWidth > clientWidth`. */
export interface MeasuredBox {
  readonly text: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
}

export interface HarnessReply {
  readonly id: string;
  readonly ok: boolean;
  readonly error?: string;
  /** For `screenshot`: the absolute path written. */
  readonly path?: string;
  /** For `tabs`. */
  readonly tabs?: readonly TabInfo[];
  /** For `readText`. */
  readonly texts?: readonly string[];
  /** For `measure`. */
  readonly boxes?: readonly MeasuredBox[];
}

export interface TestResults {
  readonly vscodeVersion: string;
  readonly total: number;
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonAfter(prefix: string, line: string): Record<string, unknown> | undefined {
  const start = line.indexOf(prefix);
  if (start < 0) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(line.slice(start + prefix.length).trim());
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Finds a request anywhere in a console line (the workbench may prefix forwarded lines). */
export function parseRequest(
  line: string,
): HarnessRequest | { readonly id: string; readonly invalid: string } | undefined {
  const json = parseJsonAfter(REQUEST_PREFIX, line);
  if (json === undefined) {
    return undefined;
  }
  const id = json['id'];
  if (typeof id !== 'string' || !/^[\w-]{1,100}$/.test(id)) {
    return undefined;
  }
  const command = json['command'];
  switch (command) {
    case 'screenshot':
      return typeof json['path'] === 'string'
        ? { id, command, path: json['path'] }
        : { id, invalid: 'screenshot needs a "path"' };
    case 'tabs':
    case 'closeTabs':
      return { id, command };
    case 'click': {
      const urlIncludes = json['urlIncludes'];
      const selector = json['selector'];
      const timeoutMs = json['timeoutMs'];
      if (typeof urlIncludes !== 'string' || typeof selector !== 'string') {
        return { id, invalid: 'click needs "urlIncludes" and "selector"' };
      }
      return typeof timeoutMs === 'number'
        ? { id, command, urlIncludes, selector, timeoutMs }
        : { id, command, urlIncludes, selector };
    }
    case 'readText': {
      const { selector, urlIncludes, hover, timeoutMs } = json;
      if (
        typeof selector !== 'string' ||
        (urlIncludes !== undefined && typeof urlIncludes !== 'string') ||
        (hover !== undefined && typeof hover !== 'string')
      ) {
        return { id, invalid: 'readText needs a "selector" and optional strings "urlIncludes" and "hover"' };
      }
      return {
        id,
        command,
        selector,
        ...(typeof urlIncludes === 'string' ? { urlIncludes } : {}),
        ...(typeof hover === 'string' ? { hover } : {}),
        ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
      };
    }
    case 'measure': {
      const { selector, timeoutMs } = json;
      if (typeof selector !== 'string') {
        return { id, invalid: 'measure needs a "selector"' };
      }
      return { id, command, selector, ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}) };
    }
    case 'workbenchInput': {
      const { selector, click, text, press, timeoutMs } = json;
      if (
        typeof selector !== 'string' ||
        (click !== undefined && typeof click !== 'boolean') ||
        (text !== undefined && typeof text !== 'string') ||
        (press !== undefined && typeof press !== 'string')
      ) {
        return {
          id,
          invalid:
            'workbenchInput needs a "selector", an optional boolean "click" and optional strings "text" and "press"',
        };
      }
      return {
        id,
        command,
        selector,
        ...(click === true ? { click } : {}),
        ...(typeof text === 'string' ? { text } : {}),
        ...(typeof press === 'string' ? { press } : {}),
        ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
      };
    }
    default:
      return { id, invalid: `unknown command ${JSON.stringify(command)}` };
  }
}

export function formatRequest(request: HarnessRequest): string {
  return `${REQUEST_PREFIX}${JSON.stringify(request)}`;
}

export function parseResults(line: string): TestResults | undefined {
  const json = parseJsonAfter(RESULTS_PREFIX, line);
  if (json === undefined) {
    return undefined;
  }
  const numbers = ['total', 'passes', 'failures', 'pending', 'durationMs'] as const;
  if (typeof json['vscodeVersion'] !== 'string' || numbers.some((key) => typeof json[key] !== 'number')) {
    return undefined;
  }
  return {
    vscodeVersion: json['vscodeVersion'],
    total: Number(json['total']),
    passes: Number(json['passes']),
    failures: Number(json['failures']),
    pending: Number(json['pending']),
    durationMs: Number(json['durationMs']),
  };
}

export function formatResults(results: TestResults): string {
  return `${RESULTS_PREFIX}${JSON.stringify(results)}`;
}

export function parseReply(text: string): HarnessReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value['id'] !== 'string' || typeof value['ok'] !== 'boolean') {
    return undefined;
  }
  const reply: {
    id: string;
    ok: boolean;
    error?: string;
    path?: string;
    tabs?: TabInfo[];
    texts?: string[];
    boxes?: MeasuredBox[];
  } = {
    id: value['id'],
    ok: value['ok'],
  };
  if (typeof value['error'] === 'string') {
    reply.error = value['error'];
  }
  if (typeof value['path'] === 'string') {
    reply.path = value['path'];
  }
  if (Array.isArray(value['tabs'])) {
    reply.tabs = value['tabs'].filter(isRecord).map((tab) => ({
      url: typeof tab['url'] === 'string' ? tab['url'] : '',
      history: Array.isArray(tab['history'])
        ? tab['history'].filter((entry): entry is string => typeof entry === 'string')
        : [],
      closed: tab['closed'] === true,
    }));
  }
  if (Array.isArray(value['texts'])) {
    reply.texts = value['texts'].filter((entry): entry is string => typeof entry === 'string');
  }
  if (Array.isArray(value['boxes'])) {
    reply.boxes = value['boxes'].filter(isRecord).map((box) => ({
      text: typeof box['text'] === 'string' ? box['text'] : '',
      scrollWidth: typeof box['scrollWidth'] === 'number' ? box['scrollWidth'] : 0,
      clientWidth: typeof box['clientWidth'] === 'number' ? box['clientWidth'] : 0,
    }));
  }
  return reply;
}

/** The reply file for a request id (the harness writes `<id>.json.tmp`, then renames it). */
export function replyFileName(id: string): string {
  return `${id}.json`;
}
