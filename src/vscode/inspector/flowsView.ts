/**
 * The "Flows" view in the LINE Login container: your app's sessions (each with its flows, marked
 * "your app", and a report card), then this extension's flows newest first with an outcome icon,
 * their steps, and each step's checks (failures first). Labels quote LINE's answers and the app's
 * data only as plain text.
 */
import vscode = require('vscode');
import { worstVerdict } from '../../core/inspector/app/reportCard';
import { flowSource, type Verdict } from '../../core/inspector/model';
import { sortChecks } from '../../core/inspector/report';
import { formatTime } from '../format';
import { fitDescription, fitParts } from '../tree/rowWidth';
import type { AppSessionEntry, FlowEntry, FlowHistory } from './flowHistory';
import { flowKindLabel } from './labels';

export const FLOWS_VIEW_ID = 'lineLogin.flows';

/**
 * A node of the view. A class, not a plain object: commands treat a plain object argument as
 * automation, a class instance as the node a menu passed.
 */
export class FlowTreeNode {
  private constructor(
    readonly type: 'appSession' | 'flow' | 'step' | 'check',
    readonly flowId: string,
    readonly stepIndex = -1,
    readonly checkId = '',
    readonly sessionId = '',
  ) {}

  /** One app (its redirect_uri origin) on one channel, talking to the local emulator. */
  static appSession(sessionId: string): FlowTreeNode {
    return new FlowTreeNode('appSession', '', -1, '', sessionId);
  }

  static flow(flowId: string): FlowTreeNode {
    return new FlowTreeNode('flow', flowId);
  }

  static step(flowId: string, stepIndex: number): FlowTreeNode {
    return new FlowTreeNode('step', flowId, stepIndex);
  }

  static check(flowId: string, stepIndex: number, checkId: string): FlowTreeNode {
    return new FlowTreeNode('check', flowId, stepIndex, checkId);
  }
}

const VERDICT_ICONS: Record<Verdict, vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  'n/a': new vscode.ThemeIcon('circle-slash'),
};

function outcomeIcon(entry: FlowEntry): vscode.ThemeIcon {
  switch (entry.summary.outcome) {
    case 'succeeded':
      return entry.diagnosis === undefined
        ? VERDICT_ICONS.pass
        : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'failed':
      return VERDICT_ICONS.fail;
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
  }
}

function worst(verdicts: Verdict[]): Verdict {
  return worstVerdict(verdicts);
}

function sessionItem(session: AppSessionEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(
    vscode.l10n.t('Your app: {0}', session.app),
    vscode.TreeItemCollapsibleState.Expanded,
  );
  item.id = `appSession:${session.sessionId}`;
  const verdict = worst(
    session.flows.flatMap((flow) => flow.steps.flatMap((step) => step.checks.map((c) => c.verdict))),
  );
  item.description = vscode.l10n.t('Channel ID: {0} · {1} flows', session.channelId, String(session.flows.length));
  item.iconPath = VERDICT_ICONS[verdict];
  item.contextValue = 'lineLoginAppSession';
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(
    vscode.l10n.t("Requests your app made to Local LINE. Open the report card for LINE's contract, check by check."),
  );
  item.tooltip = tooltip;
  item.command = {
    command: 'lineLogin.showAppReportCard',
    title: vscode.l10n.t("Show Your App's Report Card"),
    arguments: [FlowTreeNode.appSession(session.sessionId)],
  };
  return item;
}

export class FlowsView implements vscode.TreeDataProvider<FlowTreeNode>, vscode.Disposable {
  readonly #onDidChangeTreeData = new vscode.EventEmitter<FlowTreeNode | undefined>();
  readonly onDidChangeTreeData = this.#onDidChangeTreeData.event;
  readonly #subscription: vscode.Disposable;

  constructor(readonly history: FlowHistory) {
    this.#subscription = history.onDidChange(() => {
      this.#onDidChangeTreeData.fire(undefined);
    });
  }

  getChildren(node?: FlowTreeNode): FlowTreeNode[] {
    if (node === undefined) {
      return [
        ...this.history.appSessions().map((session) => FlowTreeNode.appSession(session.sessionId)),
        ...this.history
          .entries()
          .filter((entry) => flowSource(entry.summary) === 'extension')
          .map((entry) => FlowTreeNode.flow(entry.summary.id)),
      ];
    }
    if (node.type === 'appSession') {
      return (this.history.appSession(node.sessionId)?.flows ?? []).map((flow) => FlowTreeNode.flow(flow.id));
    }
    const entry = this.history.entry(node.flowId);
    if (entry === undefined) {
      return [];
    }
    if (node.type === 'flow') {
      return entry.summary.steps.map((_, index) => FlowTreeNode.step(node.flowId, index));
    }
    if (node.type === 'step') {
      const step = entry.summary.steps[node.stepIndex];
      return step === undefined
        ? []
        : sortChecks(step.checks).map((c) => FlowTreeNode.check(node.flowId, node.stepIndex, c.id));
    }
    return [];
  }

  getParent(node: FlowTreeNode): FlowTreeNode | undefined {
    switch (node.type) {
      case 'appSession':
        return undefined;
      case 'flow': {
        const app = this.history.entry(node.flowId)?.summary.app;
        return app === undefined ? undefined : FlowTreeNode.appSession(app.sessionId);
      }
      case 'step':
        return FlowTreeNode.flow(node.flowId);
      case 'check':
        return FlowTreeNode.step(node.flowId, node.stepIndex);
    }
  }

  getTreeItem(node: FlowTreeNode): vscode.TreeItem {
    if (node.type === 'appSession') {
      const session = this.history.appSession(node.sessionId);
      return session === undefined ? new vscode.TreeItem(vscode.l10n.t('(no longer recorded)')) : sessionItem(session);
    }
    const entry = this.history.entry(node.flowId);
    if (entry === undefined) {
      return new vscode.TreeItem(vscode.l10n.t('(no longer recorded)'));
    }
    const { summary } = entry;
    if (node.type === 'flow') {
      const label = flowKindLabel(summary.kind);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `flow:${summary.id}`;
      // When the row is full the duration goes first, then the time; "your app" and the diagnosis stay
      // (all in the tooltip).
      const fromApp = flowSource(summary) === 'app';
      // An app's flow sits one level deeper, under its session, with a step's room.
      const description = fitParts(fromApp ? 'step' : 'flow', label, [
        ...(fromApp ? [{ text: vscode.l10n.t('your app'), rank: 4 }] : []),
        { text: formatTime(summary.startedAt), rank: 2 },
        { text: `${summary.durationMs} ms`, rank: 1 },
        ...(entry.diagnosis === undefined ? [] : [{ text: entry.diagnosis.code, rank: 3 }]),
      ]);
      if (description !== undefined) {
        item.description = description;
      }
      item.iconPath = outcomeIcon(entry);
      // An app's flow cannot be run again from here: the app, not the extension, made the requests.
      item.contextValue =
        entry.flow === undefined
          ? 'lineLoginFlowSummary'
          : summary.kind === 'signIn' && flowSource(summary) === 'extension'
            ? 'lineLoginFlow.signIn'
            : 'lineLoginFlow';
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(
        [
          `${summary.outcome} · ${new Date(summary.startedAt).toISOString()} · ${summary.durationMs} ms`,
          ...(summary.app === undefined ? [] : [vscode.l10n.t('Your app: {0}', summary.app.app)]),
          ...(summary.channelId === undefined ? [] : [vscode.l10n.t('Channel ID: {0}', summary.channelId)]),
          ...(entry.diagnosis === undefined ? [] : [`${entry.diagnosis.code}: ${entry.diagnosis.title}`]),
        ].join('\n'),
      );
      item.tooltip = tooltip;
      item.command = { command: 'lineLogin.showFlow', title: vscode.l10n.t('Show Flow'), arguments: [node] };
      return item;
    }
    if (node.type === 'step') {
      const step = summary.steps[node.stepIndex];
      const item = new vscode.TreeItem(
        step?.name ?? '?',
        step !== undefined && step.checks.length > 0
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `flow:${summary.id}:step:${node.stepIndex}`;
      item.description =
        step === undefined ? '' : `${step.status === undefined ? '' : `${step.status} · `}${step.durationMs} ms`;
      item.iconPath = VERDICT_ICONS[worst(step?.checks.map((c) => c.verdict) ?? [])];
      return item;
    }
    const check = summary.steps[node.stepIndex]?.checks.find((c) => c.id === node.checkId);
    const full = entry.flow?.steps[node.stepIndex]?.checks.find((c) => c.id === node.checkId);
    const item = new vscode.TreeItem(node.checkId);
    item.id = `flow:${summary.id}:step:${node.stepIndex}:check:${node.checkId}`;
    const citation = fitDescription('check', node.checkId, check?.citation.label ?? '', 'end');
    if (citation !== undefined) {
      item.description = citation;
    }
    item.iconPath = VERDICT_ICONS[check?.verdict ?? 'n/a'];
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(
      `${check?.verdict ?? ''}: ${full?.explanation ?? ''}\n${check?.citation.label ?? ''} ${check?.citation.url ?? ''}`,
    );
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#onDidChangeTreeData.dispose();
  }
}
