/**
 * Local LINE's footprint outside its own bundle: its commands (behind the stubs extension.ts
 * registers for every contributed command) and its view, created with the features; the first
 * command that needs Local LINE loads dist/localLine.js (loader.ts) and hands it this window's
 * services. Before that the view has no data and shows its welcome text.
 */
import vscode = require('vscode');
import type { CommandHandler } from '../commands/invocation';
import type { Flow } from '../../core/inspector/model';
import type { WindowServices } from '../services';
import { LOCAL_LINE_COMMANDS, LOCAL_LINE_VIEW_ID, type LocalLineController, type LocalLineTesting } from './api';
import { loadLocalLineModule } from './loader';

/** Shows the lazy bundle's tree once it is loaded; before that the view is empty (its welcome text shows). */
class DeferredTree implements vscode.TreeDataProvider<unknown> {
  readonly #onDidChange = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.#onDidChange.event;
  #target: vscode.TreeDataProvider<unknown> | undefined;
  #subscription: vscode.Disposable | undefined;

  attach(target: vscode.TreeDataProvider<unknown>): void {
    this.#target = target;
    this.#subscription = target.onDidChangeTreeData?.(() => {
      this.#onDidChange.fire(undefined);
    });
    this.#onDidChange.fire(undefined);
  }

  getChildren(node?: unknown): vscode.ProviderResult<unknown[]> {
    return this.#target === undefined ? [] : this.#target.getChildren(node);
  }

  getTreeItem(node: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    if (this.#target === undefined) {
      throw new Error('Local LINE is not loaded.');
    }
    return this.#target.getTreeItem(node);
  }

  dispose(): void {
    this.#subscription?.dispose();
    this.#onDidChange.dispose();
  }
}

export interface LocalLineRegistration {
  /** For the extension-host tests: whether dist/localLine.js was loaded, and its test API once it is. */
  readonly loaded: () => boolean;
  readonly testing: () => LocalLineTesting | undefined;
  /** The view's data, as the workbench reads it. */
  readonly tree: vscode.TreeDataProvider<unknown>;
  dispose(): void;
}

export function registerLocalLine(
  services: WindowServices,
  globalState: vscode.Memento,
  register: (id: string, handler: CommandHandler) => vscode.Disposable,
  recordAppFlow: (flow: Flow) => void,
): LocalLineRegistration {
  const tree = new DeferredTree();
  let controller: LocalLineController | undefined;
  const load = (): LocalLineController => {
    if (controller === undefined) {
      controller = loadLocalLineModule().createLocalLine({ services, globalState, recordAppFlow });
      tree.attach(controller.view);
    }
    return controller;
  };
  const disposables: { dispose(): unknown }[] = [
    tree,
    vscode.window.createTreeView(LOCAL_LINE_VIEW_ID, { treeDataProvider: tree }),
  ];
  for (const id of Object.values(LOCAL_LINE_COMMANDS)) {
    const handler: CommandHandler = async (invocation) => {
      if (id === LOCAL_LINE_COMMANDS.stop && controller === undefined) {
        return { running: false }; // stopping what never started loads nothing
      }
      return load().commands[id](invocation);
    };
    disposables.push(register(id, handler));
  }
  return {
    loaded: () => controller !== undefined,
    testing: () => controller?.testing,
    tree,
    dispose: () => {
      // Stops the emulator when the window closes or the extension is deactivated.
      controller?.dispose();
      for (const disposable of disposables) {
        disposable.dispose();
      }
    },
  };
}
