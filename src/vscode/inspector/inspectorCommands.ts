/**
 * The Inspector's commands and view. `lineLogin.listFlows` and `lineLogin.diagnose` are the
 * automation contract of issue 11; the others act on a flow from the view or by `{ flowId }`.
 * Everything they return or copy is built from masked traces.
 */
import vscode = require('vscode');
import { buildReportCard, reportCardMarkdown } from '../../core/inspector/app/reportCard';
import { InputError } from '../../core/errors';
import { flowSource, type Diagnosis, type Flow, type FlowSummary } from '../../core/inspector/model';
import { flowDocument, toCurl, toHttpFile } from '../../core/inspector/report';
import { rejectUnknownArgs, stringArg, type CommandHandler, type Invocation } from '../commands/invocation';
import type { ReadOnlyDocuments } from '../readOnlyDocuments';
import { notify } from '../notifications';
import type { WindowServices } from '../services';
import { FlowHistory, type FlowEntry } from './flowHistory';
import { FLOWS_VIEW_ID, FlowsView } from './flowsView';
import { flowKindLabel } from './labels';
import { runFlowAgain } from './rerunCommand';

export const INSPECTOR_COMMANDS = {
  listFlows: 'lineLogin.listFlows',
  diagnose: 'lineLogin.diagnose',
  showFlow: 'lineLogin.showFlow',
  copyFlowReport: 'lineLogin.copyFlowReport',
  exportFlowHttp: 'lineLogin.exportFlowHttp',
  copyFlowCurl: 'lineLogin.copyFlowCurl',
  runFlowAgain: 'lineLogin.runFlowAgain',
  showAppReportCard: 'lineLogin.showAppReportCard',
} as const;

export interface Inspector {
  disposable: vscode.Disposable;
  history: FlowHistory;
  view: FlowsView;
  treeView: vscode.TreeView<unknown>;
  /**
   * Shows a flow of your app (source 'app', from the AppTrafficTracker, already masked) in the
   * Flows view under its app session; the same flow ID again replaces the earlier copy.
   */
  recordAppFlow(flow: Flow): void;
}

function sessionIdOf(invocation: Invocation): string | undefined {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['sessionId']);
    return stringArg(invocation.args, 'sessionId');
  }
  const node = invocation.node;
  return typeof node === 'object' && node !== null && 'sessionId' in node && typeof node.sessionId === 'string'
    ? node.sessionId
    : undefined;
}

function flowIdOf(invocation: Invocation): string | undefined {
  if (invocation.automated) {
    return stringArg(invocation.args, 'flowId');
  }
  const node = invocation.node;
  return typeof node === 'object' && node !== null && 'flowId' in node && typeof node.flowId === 'string'
    ? node.flowId
    : undefined;
}

function entryOf(
  history: FlowHistory,
  invocation: Invocation,
  allowed: readonly string[] = ['flowId'],
): FlowEntry | undefined {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, allowed);
  }
  const flowId = flowIdOf(invocation);
  if (flowId === undefined) {
    return undefined;
  }
  const entry = history.entry(flowId);
  if (entry === undefined) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'No recorded flow has this ID (only the last 50 of this window and 20 of earlier sessions are kept). Call lineLogin.listFlows for the current IDs.',
      'flowId',
    );
  }
  return entry;
}

/** The full trace, needed by the document and the exports; earlier sessions kept only summaries. */
function traceOf(
  history: FlowHistory,
  invocation: Invocation,
  allowed: readonly string[] = ['flowId'],
): NonNullable<FlowEntry['flow']> | undefined {
  const entry = entryOf(history, invocation, allowed);
  if (entry === undefined) {
    return undefined;
  }
  if (entry.flow === undefined) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'This flow is from an earlier session: only its summary and diagnosis were kept, not the steps. Run it again to inspect it.',
      'flowId',
    );
  }
  return entry.flow;
}

export function registerInspector(
  services: WindowServices,
  state: vscode.Memento,
  documents: ReadOnlyDocuments,
  register: (id: string, handler: CommandHandler) => vscode.Disposable,
): Inspector {
  const history = new FlowHistory(services.recorder, state);
  const view = new FlowsView(history);
  const treeView = vscode.window.createTreeView(FLOWS_VIEW_ID, { treeDataProvider: view, showCollapseAll: true });
  const show = async (invocation: Invocation): Promise<unknown> => {
    const flow = traceOf(history, invocation);
    if (flow === undefined) {
      return undefined;
    }
    const title = `${flowKindLabel(flow.kind)} ${new Date(flow.startedAt).toISOString().replace(/[:.]/g, '-')}`;
    const uri = await documents.show(title, flowDocument(flow));
    return { uri: uri.toString() };
  };
  /** A flow rendered as text: returned to automation, otherwise handed to the person by `deliver`. */
  const flowText =
    (render: (flow: Flow) => string, deliver: (text: string) => Promise<void>) =>
    async (invocation: Invocation): Promise<unknown> => {
      const flow = traceOf(history, invocation);
      if (flow === undefined) {
        return undefined;
      }
      const text = render(flow);
      if (invocation.automated) {
        return { text };
      }
      await deliver(text);
      return undefined;
    };
  const handlers: Record<
    (typeof INSPECTOR_COMMANDS)[keyof typeof INSPECTOR_COMMANDS],
    (i: Invocation) => Promise<unknown>
  > = {
    [INSPECTOR_COMMANDS.listFlows]: (invocation) => {
      rejectUnknownArgs(invocation.args, []);
      return Promise.resolve(history.entries().map((entry): FlowSummary => entry.summary));
    },
    [INSPECTOR_COMMANDS.diagnose]: (invocation) => {
      const entry = entryOf(history, invocation);
      const diagnosis: Diagnosis | undefined = entry?.diagnosis;
      if (diagnosis === undefined) {
        return Promise.resolve(undefined);
      }
      const { code, title, evidence, fix, docUrl } = diagnosis;
      return Promise.resolve({ code, title, evidence, fix, docUrl });
    },
    [INSPECTOR_COMMANDS.showFlow]: show,
    [INSPECTOR_COMMANDS.copyFlowReport]: flowText(flowDocument, async (text) => {
      await vscode.env.clipboard.writeText(text);
      notify('info', vscode.l10n.t('The flow report was copied (no secrets in it).'));
    }),
    [INSPECTOR_COMMANDS.exportFlowHttp]: flowText(toHttpFile, async (text) => {
      // The file names environment variables; no token is ever written into it.
      const document = await vscode.workspace.openTextDocument({ language: 'http', content: text });
      await vscode.window.showTextDocument(document);
    }),
    [INSPECTOR_COMMANDS.runFlowAgain]: async (invocation) => {
      const flow = traceOf(history, invocation, ['flowId', 'changes']);
      if (flow !== undefined && flowSource(flow) === 'app') {
        throw new InputError(
          'ERR_INVALID_INPUT',
          'This flow was made by your app, not by this extension: run it again from your app.',
          'flowId',
        );
      }
      return flow === undefined ? undefined : runFlowAgain(services, documents, flow, invocation);
    },
    [INSPECTOR_COMMANDS.showAppReportCard]: async (invocation) => {
      const sessionId = sessionIdOf(invocation);
      if (sessionId === undefined) {
        return undefined;
      }
      const session = history.appSession(sessionId);
      if (session === undefined) {
        throw new InputError(
          'ERR_INVALID_INPUT',
          "No app session has this ID (your app's flows are kept in this window only, the last 200). Call lineLogin.listFlows: each app flow names its app.sessionId.",
          'sessionId',
        );
      }
      const card = buildReportCard(session, session.flows);
      const title = vscode.l10n.t('Report card {0}', session.app.replace(/[^A-Za-z0-9.-]+/g, '-'));
      const uri = await documents.show(
        title,
        reportCardMarkdown(card, {
          title: vscode.l10n.t('LINE Login report card'),
          channelId: vscode.l10n.t('Channel ID'),
          appSession: vscode.l10n.t('App session'),
          flows: vscode.l10n.t('Flows'),
          overall: vscode.l10n.t('Overall'),
          verdict: vscode.l10n.t('Verdict'),
          check: vscode.l10n.t('Check'),
          seen: vscode.l10n.t('Seen'),
          why: vscode.l10n.t('Why'),
          rule: vscode.l10n.t('Rule'),
        }),
      );
      return { uri: uri.toString(), card };
    },
    [INSPECTOR_COMMANDS.copyFlowCurl]: flowText(toCurl, async (text) => {
      await vscode.env.clipboard.writeText(text);
      notify(
        'info',
        vscode.l10n.t(
          'curl commands copied: they read tokens from LINE_ACCESS_TOKEN and the other environment variables.',
        ),
      );
    }),
  };
  const registrations = Object.entries(handlers).map(([id, handler]) => register(id, handler));
  return {
    history,
    view,
    treeView,
    recordAppFlow: (flow) => {
      history.recordAppFlow(flow);
    },
    disposable: vscode.Disposable.from(...registrations, treeView, view, history),
  };
}
