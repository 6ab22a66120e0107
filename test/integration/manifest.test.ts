// Invariants between package.json and what the extension does at run time in a real VS Code. They
// are read from the manifest, not listed here, so they hold for whatever the manifest grows into
// and fail when a contribution and the code drift apart.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  BUILT_IN_VIEW_CONTAINERS,
  compareVersions,
  EXTENSION_ID,
  parseEngineRange,
  parseManifest,
  parseVersion,
  WORKBENCH_VIEW_COMMAND_SUFFIXES,
  type Manifest,
} from './manifest';
import { testApiOf } from './testApi';

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension<unknown>(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded; is extensionDevelopmentPath the repository root?`);
  return found;
}

function manifest(): Manifest {
  const json: unknown = extension().packageJSON;
  return parseManifest(json);
}

describe('Extension manifest and activation', () => {
  before(async () => {
    // Explicit: the tests must not depend on which activation event fires first in this host.
    await extension().activate();
  });

  it('is loaded under the id publisher.name from package.json', () => {
    const { publisher, name } = manifest();
    assert.equal(`${publisher}.${name}`, EXTENSION_ID);
  });

  it('accepts the running VS Code in engines.vscode', () => {
    const { minimum, sameMajor } = parseEngineRange(manifest().vscodeEngine);
    const running = parseVersion(vscode.version);
    assert.ok(
      compareVersions(running, minimum) >= 0,
      `VS Code ${vscode.version} is older than engines.vscode ${manifest().vscodeEngine}`,
    );
    if (sameMajor) {
      assert.equal(
        running[0],
        minimum[0],
        `VS Code ${vscode.version} is outside engines.vscode ${manifest().vscodeEngine}`,
      );
    }
  });

  it('activates from the bundle named in "main"', () => {
    const ext = extension();
    assert.equal(ext.isActive, true);
    const { main } = manifest();
    assert.ok(main !== undefined, 'package.json has no "main"');
    const bundle = join(ext.extensionPath, main.endsWith('.js') ? main : `${main}.js`);
    assert.ok(existsSync(bundle), `${bundle} does not exist`);
  });

  it('relies on contribution-implied activation events, never "*"', () => {
    assert.ok(
      !manifest().activationEvents.includes('*'),
      'activationEvents contains "*": it slows every VS Code start',
    );
  });

  it('registers every command declared in contributes.commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest()
      .commands.map((entry) => entry.command)
      .filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('declares every command it registers', async () => {
    const { commands, views } = manifest();
    const declared = new Set(commands.map((entry) => entry.command));
    // The extension's namespaces: lineLogin.* plus any other prefix its declared commands use.
    const prefixes = new Set(['lineLogin.', ...commands.map((entry) => `${entry.command.split('.')[0] ?? ''}.`)]);
    const generatedForViews = new Set(
      views.flatMap((view) => WORKBENCH_VIEW_COMMAND_SUFFIXES.map((suffix) => `${view.id}.${suffix}`)),
    );
    const undeclared = (await vscode.commands.getCommands(true)).filter(
      (command) =>
        [...prefixes].some((prefix) => command.startsWith(prefix)) &&
        !declared.has(command) &&
        !generatedForViews.has(command),
    );
    assert.deepEqual(undeclared, [], `registered but not declared in contributes.commands: ${undeclared.join(', ')}`);
  });

  it('refers only to declared commands and submenus in contributes.menus', () => {
    const { commands, menuItems, submenus } = manifest();
    const declared = new Set(commands.map((entry) => entry.command));
    const declaredSubmenus = new Set(submenus);
    const dangling = menuItems.flatMap((item) => {
      if (item.command !== undefined) {
        return declared.has(item.command) ? [] : [`${item.menu}: ${item.command}`];
      }
      if (item.submenu !== undefined) {
        return declaredSubmenus.has(item.submenu) ? [] : [`${item.menu}: submenu ${item.submenu}`];
      }
      return [`${item.menu}: an entry with neither command nor submenu`];
    });
    assert.deepEqual(dangling, []);
  });

  it('puts every view in a declared (or built-in) view container, under a unique id', () => {
    const { views, viewContainers, viewsWelcome } = manifest();
    const containers = new Set([...BUILT_IN_VIEW_CONTAINERS, ...viewContainers.map((container) => container.id)]);
    const orphans = views
      .filter((view) => !containers.has(view.container))
      .map((view) => `${view.id} in ${view.container}`);
    assert.deepEqual(orphans, [], 'views whose container is not in contributes.viewsContainers');

    const ids = views.map((view) => view.id);
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
      'duplicate view ids',
    );

    const viewIds = new Set(ids);
    assert.deepEqual(
      viewsWelcome.filter((view) => !viewIds.has(view)),
      [],
      'contributes.viewsWelcome names undeclared views',
    );
  });

  it('shows every contributed view container and unconditional view in the workbench', async () => {
    const { views, viewContainers } = manifest();
    for (const container of viewContainers) {
      // The workbench registers this command only for a container it actually created.
      await vscode.commands.executeCommand(`workbench.view.extension.${container.id}`);
    }
    for (const view of views.filter((candidate) => candidate.when === undefined)) {
      await vscode.commands.executeCommand(`${view.id}.focus`);
    }
  });

  it('has configuration defaults equal to contributes.configuration', () => {
    const configuration = vscode.workspace.getConfiguration();
    for (const property of manifest().configuration) {
      const inspected = configuration.inspect(property.key);
      assert.ok(inspected, `setting ${property.key} is not registered`);
      if (property.hasDefault) {
        assert.deepStrictEqual(inspected.defaultValue, property.defaultValue, `default of ${property.key}`);
        // The effective value too, unless a test that ran earlier in this window set it somewhere.
        const overridden = [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue].some(
          (value) => value !== undefined,
        );
        if (!overridden) {
          assert.deepStrictEqual(configuration.get(property.key), property.defaultValue, `value of ${property.key}`);
        }
      }
    }
  });

  it('round-trips a secret through SecretStorage (via the test API)', async function () {
    const { secrets } = testApiOf(extension().exports);
    if (secrets === undefined) {
      // The extension exposes no test API (see testApi.ts); nothing here can reach its SecretStorage.
      this.skip();
    }
    const key = `integration-test.${randomUUID()}`;
    const value = `secret-${randomUUID()}`;
    const changed: string[] = [];
    const subscription = secrets.onDidChange((event) => changed.push(event.key));
    try {
      await secrets.store(key, value);
      assert.equal(await secrets.get(key), value);
      await secrets.delete(key);
      assert.equal(await secrets.get(key), undefined);
      // onDidChange is asynchronous; give it a moment to deliver both events.
      for (let waited = 0; changed.filter((entry) => entry === key).length < 2 && waited < 2000; waited += 50) {
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
      }
      assert.equal(changed.filter((entry) => entry === key).length, 2, 'onDidChange fired for store and delete');
    } finally {
      subscription.dispose();
      await secrets.delete(key);
    }
  });
});
