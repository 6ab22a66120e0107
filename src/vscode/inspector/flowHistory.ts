/**
 * The window's flows for the view and `lineLogin.listFlows`: the recorder's full traces (last 50,
 * this window) plus the summaries kept across restarts (last 20, globalState). Summaries and
 * diagnoses are built from masked traces, so what is persisted holds no secret. Your app's flows
 * (source 'app', masked by the AppTrafficTracker) are kept in memory only, the last 200: they
 * describe a local emulator run, not this extension's sign-ins.
 */
import vscode = require('vscode');
import { diagnose } from '../../core/inspector/doctor';
import {
  flowSource,
  type AppFlowContext,
  type Diagnosis,
  type Flow,
  type FlowSummary,
} from '../../core/inspector/model';
import type { FlowRecorder } from '../../core/inspector/recorder';
import { toSummary } from '../../core/inspector/report';

export const PERSISTED_FLOWS = 20;
export const APP_FLOWS = 200;
const STATE_KEY = 'lineLogin.inspector.flows.v1';

export interface FlowEntry {
  summary: FlowSummary;
  diagnosis?: Diagnosis;
  /** The full trace; absent for flows of an earlier session. */
  flow?: Flow;
}

interface PersistedEntry {
  summary: FlowSummary;
  diagnosis?: Diagnosis;
}

function isPersistedEntry(value: unknown): value is PersistedEntry {
  if (typeof value !== 'object' || value === null || !('summary' in value)) {
    return false;
  }
  const summary: unknown = value.summary;
  return (
    typeof summary === 'object' &&
    summary !== null &&
    'id' in summary &&
    typeof summary.id === 'string' &&
    'steps' in summary &&
    Array.isArray(summary.steps)
  );
}

/** An app session as the view shows it: derived from the app flows it holds. */
export interface AppSessionEntry extends AppFlowContext {
  /** Newest first. */
  flows: Flow[];
  lastAt: number;
}

export class FlowHistory implements vscode.Disposable {
  readonly #onDidChange = new vscode.EventEmitter<void>();
  /** Oldest first; a flow recorded again (it grew) replaces its earlier copy. */
  readonly #appFlows = new Map<string, Flow>();
  readonly onDidChange = this.#onDidChange.event;
  readonly #unsubscribe: () => void;
  #writes: Promise<void> = Promise.resolve();
  #kept: PersistedEntry[] | undefined;

  constructor(
    readonly recorder: FlowRecorder,
    private readonly state: vscode.Memento,
  ) {
    this.#unsubscribe = recorder.onDidRecord((flow) => {
      // One write at a time, from this window's own copy: globalState's value can be replaced by the
      // late echo of an earlier write, and a list rebuilt from that would drop the flows in between.
      this.#writes = this.#writes.then(() => this.#persist(flow)).catch(() => undefined);
      this.#onDidChange.fire();
    });
  }

  /** A masked app flow from the AppTrafficTracker; the same `id` again replaces it. */
  recordAppFlow(flow: Flow): void {
    if (flowSource(flow) !== 'app' || flow.app === undefined) {
      throw new TypeError('recordAppFlow takes flows of source "app" with their app session.');
    }
    this.#appFlows.delete(flow.id);
    this.#appFlows.set(flow.id, structuredClone(flow));
    for (const id of this.#appFlows.keys()) {
      if (this.#appFlows.size <= APP_FLOWS) {
        break;
      }
      this.#appFlows.delete(id);
    }
    this.#onDidChange.fire();
  }

  /** Newest activity first. */
  appSessions(): AppSessionEntry[] {
    const sessions = new Map<string, AppSessionEntry>();
    for (const flow of this.#appFlows.values()) {
      if (flow.app === undefined) {
        continue;
      }
      const entry = sessions.get(flow.app.sessionId) ?? {
        sessionId: flow.app.sessionId,
        channelId: flow.app.channelId,
        app: flow.app.app,
        flows: [],
        lastAt: 0,
      };
      entry.flows.unshift(flow);
      entry.lastAt = Math.max(entry.lastAt, flow.startedAt + flow.durationMs);
      sessions.set(flow.app.sessionId, entry);
    }
    return [...sessions.values()].sort((a, b) => b.lastAt - a.lastAt);
  }

  appSession(sessionId: string): AppSessionEntry | undefined {
    return this.appSessions().find((session) => session.sessionId === sessionId);
  }

  /** What survives a restart: summaries and diagnoses of the last 20 flows, newest first. */
  persisted(): readonly PersistedEntry[] {
    return this.#persisted();
  }

  #persisted(): PersistedEntry[] {
    const stored: unknown = this.state.get(STATE_KEY);
    return Array.isArray(stored) ? stored.filter(isPersistedEntry) : [];
  }

  async #persist(flow: Flow): Promise<void> {
    const diagnosis = diagnose(flow);
    const entry: PersistedEntry = {
      summary: toSummary(flow, diagnosis),
      ...(diagnosis === undefined ? {} : { diagnosis }),
    };
    const base = this.#kept ?? this.#persisted();
    const kept = [entry, ...base.filter((e) => e.summary.id !== flow.id)].slice(0, PERSISTED_FLOWS);
    this.#kept = kept;
    await this.state.update(STATE_KEY, kept);
  }

  /** Newest first: this window's traces, then earlier sessions' summaries. */
  entries(): FlowEntry[] {
    const live: FlowEntry[] = this.recorder.flows().map((flow) => {
      const diagnosis = diagnose(flow);
      return { summary: toSummary(flow, diagnosis), flow, ...(diagnosis === undefined ? {} : { diagnosis }) };
    });
    for (const flow of this.#appFlows.values()) {
      const diagnosis = diagnose(flow);
      live.push({ summary: toSummary(flow, diagnosis), flow, ...(diagnosis === undefined ? {} : { diagnosis }) });
    }
    const ids = new Set(live.map((entry) => entry.summary.id));
    const earlier = this.#persisted().filter((entry) => !ids.has(entry.summary.id));
    return [...live, ...earlier].sort((a, b) => b.summary.startedAt - a.summary.startedAt);
  }

  entry(flowId: string): FlowEntry | undefined {
    return this.entries().find((entry) => entry.summary.id === flowId);
  }

  dispose(): void {
    this.#unsubscribe();
    this.#onDidChange.dispose();
  }
}
