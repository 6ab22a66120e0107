/**
 * The tracker's bookkeeping: app sessions (one app, named by its redirect_uri origin, on one
 * channel) and the flows they hold, oldest dropped first beyond the capacity.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Flow, FlowKind } from '../model';

export interface AppSession {
  id: string;
  channelId: string;
  /** The app's origin from its redirect_uri, or '(unknown app)'. */
  app: string;
  startedAt: number;
  lastAt: number;
  /** Oldest first. */
  flowIds: string[];
}

export const UNKNOWN_APP = '(unknown app)';
export const UNKNOWN_CHANNEL = '(unknown channel)';

export interface SessionRecord extends AppSession {
  /** SHA-256 of each state this app sent: enough to see reuse, nothing to leak. */
  stateHashes: Set<string>;
}

export function appOf(redirectUri: string | null): string {
  try {
    return redirectUri === null ? UNKNOWN_APP : new URL(redirectUri).origin;
  } catch {
    return UNKNOWN_APP;
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export class AppSessions {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #flows = new Map<string, Flow>();

  constructor(
    private readonly now: () => number,
    private readonly capacity: number,
  ) {}

  list(): AppSession[] {
    return [...this.#sessions.values()].map(({ stateHashes: _, ...session }) => ({
      ...session,
      flowIds: [...session.flowIds],
    }));
  }

  get(sessionId: string): SessionRecord | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Masked copies, oldest first. */
  flows(sessionId?: string): Flow[] {
    return [...this.#flows.values()]
      .filter((flow) => sessionId === undefined || flow.app?.sessionId === sessionId)
      .map((flow) => structuredClone(flow));
  }

  session(channelId: string, app: string): SessionRecord {
    for (const session of this.#sessions.values()) {
      if (session.channelId === channelId && session.app === app) {
        return session;
      }
    }
    const at = this.now();
    const session: SessionRecord = {
      id: randomUUID(),
      channelId,
      app,
      startedAt: at,
      lastAt: at,
      flowIds: [],
      stateHashes: new Set(),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** For a call that names no known login: the channel's latest session, or an unknown-app one. */
  fallback(channelId: string | undefined): SessionRecord {
    const candidates = [...this.#sessions.values()].filter(
      (session) => channelId === undefined || session.channelId === channelId,
    );
    const latest = candidates.sort((a, b) => b.lastAt - a.lastAt)[0];
    return latest ?? this.session(channelId ?? UNKNOWN_CHANNEL, UNKNOWN_APP);
  }

  /** A new flow of the session; returns it with the IDs of the flows dropped to make room. */
  newFlow(kind: FlowKind, session: SessionRecord, channelId: string, at: number): { flow: Flow; dropped: string[] } {
    const flow: Flow = {
      id: randomUUID(),
      kind,
      source: 'app',
      app: { sessionId: session.id, channelId: session.channelId, app: session.app },
      channelId,
      startedAt: at,
      durationMs: 0,
      outcome: 'succeeded',
      steps: [],
    };
    this.#flows.set(flow.id, flow);
    session.flowIds.push(flow.id);
    const dropped: string[] = [];
    for (const id of this.#flows.keys()) {
      if (this.#flows.size <= this.capacity) {
        break;
      }
      this.#flows.delete(id);
      dropped.push(id);
    }
    for (const record of this.#sessions.values()) {
      record.flowIds = record.flowIds.filter((id) => !dropped.includes(id));
    }
    return { flow, dropped };
  }

  touch(flow: Flow): void {
    const session = flow.app === undefined ? undefined : this.#sessions.get(flow.app.sessionId);
    if (session !== undefined) {
      session.lastAt = Math.max(session.lastAt, this.now());
    }
  }
}
