/**
 * Records every LINE Login flow as a trace of masked steps with their checks. Requests are seen by
 * wrapping the injected fetch; the authorize URL and the callback by the sign-in observer. The
 * current flow follows the async call chain (AsyncLocalStorage), so concurrent commands never mix
 * their steps. A request made outside any flow (background refresh) becomes a flow of its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { AuthorizationCallback } from '../callback';
import { isLineLoginError } from '../errors';
import type { FetchLike } from '../lineHttp';
import type { PendingAuthorization, SignInObserver } from '../loginFlow';
import { messageOf } from '../messageOf';
import { Redactor } from '../redact';
import {
  authorizeChecks,
  callbackChecks,
  httpChecks,
  idTokenChecks,
  tokenRequestChecks,
  tokenResponseChecks,
  verifyAccessTokenChecks,
  type CallbackResult,
  type SignInContext,
} from './checks';
import { decodeIdTokenMasked, maskHeaders, maskJson, maskParams } from './mask';
import { probeAuthorizeUrl } from './probe';
import { headerRecord, parseJson, STEP_KINDS, stepNameOf } from './steps';
import type { Flow, FlowKind, FlowOutcome, JsonValue, Step, StepRequest } from './model';

export const DEFAULT_FLOW_CAPACITY = 50;

export interface FlowRecorderOptions {
  /** Epoch ms; the window's one clock. */
  now?: () => number;
  /** Flows kept in memory, newest first. Default 50. */
  capacity?: number;
  /** The fetch used to probe the authorize URL when no callback came back. Default: none (no probe). */
  probeFetch?: FetchLike;
}

export interface FlowMeta {
  kind?: FlowKind | undefined;
  channelId?: string;
}

interface ActiveFlow {
  flow: Flow;
  redactor: Redactor;
  signIn?: SignInContext;
  /** In memory for the probe only; never copied to the trace. */
  authorizeUrl?: string;
}

function outcomeOf(error: unknown): FlowOutcome {
  return isLineLoginError(error) && (error.code === 'ERR_CANCELLED' || error.code === 'ERR_NETWORK_ABORTED')
    ? 'cancelled'
    : 'failed';
}

export class FlowRecorder {
  readonly #storage = new AsyncLocalStorage<ActiveFlow>();
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #probeFetch: FetchLike | undefined;
  #flows: Flow[] = [];
  readonly #listeners = new Set<(flow: Flow) => void>();
  readonly #flowOfError = new WeakMap<object, string>();

  constructor(options: FlowRecorderOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#capacity = options.capacity ?? DEFAULT_FLOW_CAPACITY;
    this.#probeFetch = options.probeFetch;
  }

  /** Newest first. */
  flows(): readonly Flow[] {
    return this.#flows;
  }

  flow(id: string): Flow | undefined {
    return this.#flows.find((flow) => flow.id === id);
  }

  /** The flow an error ended, while that flow is still kept: what "Show Diagnosis" opens. */
  flowOfError(error: unknown): Flow | undefined {
    const id = typeof error === 'object' && error !== null ? this.#flowOfError.get(error) : undefined;
    return id === undefined ? undefined : this.flow(id);
  }

  /** Called with each finished flow. Returns the unsubscribe function. */
  onDidRecord(listener: (flow: Flow) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs `fn` as one flow; nested calls join the outer flow. */
  async run<T>(meta: FlowMeta, fn: () => Promise<T>): Promise<T> {
    const outer = this.#storage.getStore();
    if (outer !== undefined) {
      if (meta.channelId !== undefined) {
        outer.flow.channelId ??= meta.channelId;
      }
      return fn();
    }
    const startedAt = this.#now();
    const active: ActiveFlow = {
      flow: {
        id: randomUUID(),
        kind: meta.kind ?? 'other',
        ...(meta.channelId === undefined ? {} : { channelId: meta.channelId }),
        startedAt,
        durationMs: 0,
        outcome: 'succeeded',
        steps: [],
      },
      redactor: new Redactor(),
    };
    try {
      const result = await this.#storage.run(active, fn);
      this.#finish(active, undefined, meta);
      return result;
    } catch (error) {
      await this.#probeIfNoCallback(active, error);
      this.#finish(active, error, meta);
      if (typeof error === 'object' && error !== null) {
        this.#flowOfError.set(error, active.flow.id);
      }
      throw error;
    }
  }

  /** Runs `fn` outside the current flow, so what it starts is a flow of its own (a re-run). */
  outside<T>(fn: () => T): T {
    return this.#storage.exit(fn);
  }

  /** The observer loginFlow calls; it records into whatever flow is current. */
  readonly signInObserver: SignInObserver = {
    authorizationPrepared: (pending) => {
      this.#recordAuthorize(pending);
    },
    callbackReceived: (outcome) => {
      this.#recordCallback(outcome);
    },
  };

  wrapFetch(inner: FetchLike): FetchLike {
    const recorded: FetchLike = async (input, init) => {
      const active = this.#storage.getStore();
      if (active === undefined) {
        return this.run({}, () => recorded(input, init));
      }
      return this.#record(active, inner, input, init);
    };
    return recorded;
  }

  #finish(active: ActiveFlow, error: unknown, meta: FlowMeta): void {
    const { flow } = active;
    // The attempt's state and nonce are needed only while it runs; async work may outlive it.
    delete active.signIn;
    delete active.authorizeUrl;
    if (flow.steps.length === 0 && (error === undefined || meta.kind === undefined)) {
      return;
    }
    flow.durationMs = Math.max(0, this.#now() - flow.startedAt);
    if (flow.kind === 'other') {
      flow.kind = STEP_KINDS[flow.steps[0]?.name ?? 'other'] ?? 'other';
    }
    if (error !== undefined) {
      flow.outcome = outcomeOf(error);
      flow.error = {
        code: isLineLoginError(error) ? error.code : 'ERR_UNEXPECTED',
        message: active.redactor.redact(messageOf(error)),
      };
    }
    this.#flows = [flow, ...this.#flows].slice(0, this.#capacity);
    for (const listener of this.#listeners) {
      listener(flow);
    }
  }

  #recordAuthorize(pending: PendingAuthorization): void {
    const active = this.#storage.getStore();
    if (active === undefined) {
      return;
    }
    const url = new URL(pending.authorizeUrl);
    const params = url.searchParams;
    const { request } = pending;
    active.redactor.add(pending.state);
    active.redactor.add(pending.nonce);
    active.redactor.add(pending.codeVerifier);
    active.redactor.add(request.channel.channelSecret);
    active.authorizeUrl = pending.authorizeUrl;
    active.signIn = {
      channelId: request.channel.channelId,
      redirectUri: request.callbackUrl,
      scopes: [...request.scopes],
      state: pending.state,
      nonce: pending.nonce,
      issuer: url.origin,
      ...(params.get('prompt') === null ? {} : { prompt: params.get('prompt') ?? '' }),
      ...(params.get('bot_prompt') === null ? {} : { botPrompt: params.get('bot_prompt') ?? '' }),
    };
    active.flow.kind = 'signIn';
    active.flow.channelId = request.channel.channelId;
    active.flow.steps.push({
      name: 'authorize',
      startedAt: this.#now(),
      durationMs: 0,
      request: {
        method: 'GET',
        url: `${url.origin}${url.pathname}`,
        params: maskParams(params, active.redactor),
        headers: {},
      },
      checks: authorizeChecks(params),
    });
  }

  #recordCallback(outcome: { callback: AuthorizationCallback } | { error: unknown }): void {
    const active = this.#storage.getStore();
    if (active?.signIn === undefined) {
      return;
    }
    const authorize = active.flow.steps.find((step) => step.name === 'authorize');
    const at = this.#now();
    if (authorize !== undefined) {
      authorize.durationMs = Math.max(0, at - authorize.startedAt);
    }
    let result: CallbackResult;
    const params: Record<string, string> = {};
    if ('callback' in outcome) {
      params.code = '…';
      params.state = '…';
      const changed = outcome.callback.friendshipStatusChanged;
      if (changed !== undefined) {
        params.friendship_status_changed = String(changed);
      }
      result = { ok: true, stateMatched: true, ...(changed === undefined ? {} : { friendshipStatusChanged: changed }) };
    } else {
      const error = outcome.error;
      const code = isLineLoginError(error) ? error.code : 'ERR_UNEXPECTED';
      const details = (isLineLoginError(error) ? (error as { details?: unknown }).details : undefined) as
        { lineError?: string; lineErrorDescription?: string } | undefined;
      if (code === 'ERR_CALLBACK_TIMEOUT' || code === 'ERR_CANCELLED') {
        // The browser never came back: nothing to record as a callback; the probe may say why.
        return;
      }
      if (details?.lineError !== undefined) {
        params.error = active.redactor.redact(details.lineError);
      }
      if (details?.lineErrorDescription !== undefined) {
        params.error_description = active.redactor.redact(details.lineErrorDescription);
      }
      result = {
        ok: false,
        errorCode: code,
        ...(details?.lineError === undefined ? {} : { lineError: params.error ?? '' }),
        ...(details?.lineErrorDescription === undefined
          ? {}
          : { lineErrorDescription: params.error_description ?? '' }),
      };
    }
    active.flow.steps.push({
      name: 'callback',
      startedAt: at,
      durationMs: 0,
      request: { method: 'GET', url: active.signIn.redirectUri, params, headers: {} },
      checks: callbackChecks(result, active.signIn),
    });
  }

  /** LINE shows its own 400 page for an unregistered redirect_uri and never redirects: ask it directly. */
  async #probeIfNoCallback(active: ActiveFlow, error: unknown): Promise<void> {
    const code = isLineLoginError(error) ? error.code : undefined;
    const probeFetch = this.#probeFetch;
    if (
      probeFetch === undefined ||
      active.authorizeUrl === undefined ||
      (code !== 'ERR_CALLBACK_TIMEOUT' && code !== 'ERR_CANCELLED') ||
      active.flow.steps.some((step) => step.name === 'callback')
    ) {
      return;
    }
    active.flow.steps.push(await probeAuthorizeUrl(probeFetch, active.authorizeUrl, active.redactor, this.#now));
  }

  async #record(active: ActiveFlow, inner: FetchLike, input: string, init: RequestInit): Promise<Response> {
    const startedAt = this.#now();
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = headerRecord(init.headers);
    const bodyText = typeof init.body === 'string' ? init.body : undefined;
    const contentType = headers['content-type'] ?? '';
    const form =
      contentType.startsWith('application/x-www-form-urlencoded') && bodyText !== undefined
        ? new URLSearchParams(bodyText)
        : undefined;
    const json = contentType.startsWith('application/json') && bodyText !== undefined ? parseJson(bodyText) : undefined;
    for (const [name, value] of [...url.searchParams, ...(form ?? [])]) {
      if (name !== 'grant_type' && name !== 'client_id' && name !== 'redirect_uri') {
        active.redactor.add(value);
      }
    }
    const bearer = headers.authorization?.replace(/^Bearer\s+/i, '');
    active.redactor.add(bearer);
    const name = stepNameOf(method, url.pathname, form);
    const clientId = form?.get('client_id') ?? undefined;
    if (clientId !== undefined) {
      active.flow.channelId ??= clientId;
    }
    const params = maskParams([...url.searchParams, ...(form ?? [])], active.redactor);
    if (json !== undefined) {
      for (const [field, value] of Object.entries(maskJson(json, active.redactor) as Record<string, JsonValue>)) {
        params[field] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    const request: StepRequest = {
      method,
      url: `${url.origin}${url.pathname}`,
      params,
      headers: maskHeaders(headers, active.redactor),
    };
    const step: Step = {
      name,
      startedAt,
      durationMs: 0,
      request,
      checks: form === undefined ? [] : tokenRequestChecks(form, active.signIn),
    };
    active.flow.steps.push(step);

    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      step.durationMs = Math.max(0, this.#now() - startedAt);
      step.networkError = active.redactor.redact(messageOf(error));
      throw error;
    }
    let text: string | undefined;
    try {
      text = await response.clone().text();
    } catch {
      text = undefined;
    }
    step.durationMs = Math.max(0, this.#now() - startedAt);
    this.#recordResponse(active, step, response, text);
    return response;
  }

  #recordResponse(active: ActiveFlow, step: Step, response: Response, text: string | undefined): void {
    const lineRequestId = response.headers.get('x-line-request-id') ?? undefined;
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    const body = text === undefined ? undefined : parseJson(text);
    for (const field of ['access_token', 'refresh_token', 'id_token']) {
      const value = body?.[field];
      if (typeof value === 'string') {
        active.redactor.add(value);
      }
    }
    step.response = {
      status: response.status,
      ...(lineRequestId === undefined ? {} : { lineRequestId }),
      ...(retryAfter === undefined ? {} : { retryAfter }),
      fields: body === undefined ? {} : (maskJson(body, active.redactor) as Record<string, JsonValue>),
      ...(body === undefined && text !== undefined && text !== ''
        ? { bodyNote: `${text.length} characters that are not a JSON object` }
        : {}),
    };
    step.checks.push(...httpChecks(step.name, response.status, lineRequestId, retryAfter));
    if (body === undefined || response.status < 200 || response.status > 299) {
      return;
    }
    const now = this.#now();
    if (step.name === 'token' || step.name === 'refresh') {
      step.checks.push(...tokenResponseChecks(step.name, body, step.name === 'token' ? active.signIn : undefined));
      const idToken = body.id_token;
      if (typeof idToken === 'string') {
        const decoded = decodeIdTokenMasked(idToken, active.redactor);
        if (decoded !== undefined) {
          step.response.idToken = decoded;
          if (typeof decoded.claims.sub === 'string') {
            active.flow.userId = decoded.claims.sub;
          }
        }
        if (active.signIn !== undefined) {
          step.checks.push(...idTokenChecks(idToken, active.signIn, now));
          active.flow.clockAt = now;
        }
      }
    } else if (step.name === 'verifyAccessToken') {
      step.checks.push(...verifyAccessTokenChecks(body, active.flow.channelId));
    } else if (step.name === 'profile' && typeof body.userId === 'string') {
      active.flow.userId ??= body.userId;
    } else if (step.name === 'verifyIdToken' && typeof body.sub === 'string') {
      active.flow.userId ??= body.sub;
    }
  }
}
