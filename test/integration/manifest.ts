// Reads the parts of package.json the invariants check, through validators rather than casts: a
// malformed contribution should fail a test with a message, not throw a TypeError somewhere later.

export const EXTENSION_ID = 'line-login-devtools.line-login-devtools';

/** View containers VS Code itself provides; views may be contributed to these without declaring them. */
export const BUILT_IN_VIEW_CONTAINERS: readonly string[] = ['explorer', 'scm', 'debug', 'test', 'remote'];

/** Commands the workbench registers for every contributed view (`<viewId>.focus` and so on). */
export const WORKBENCH_VIEW_COMMAND_SUFFIXES: readonly string[] = [
  'focus',
  'open',
  'resetViewLocation',
  'removeView',
  'toggleVisibility',
];

export interface CommandContribution {
  readonly command: string;
  readonly title: string;
}

export interface ViewContribution {
  readonly id: string;
  readonly container: string;
  readonly when: string | undefined;
}

export interface ViewContainerContribution {
  readonly id: string;
  /** `activitybar`, `panel`, … */
  readonly location: string;
}

export interface MenuItemContribution {
  readonly menu: string;
  readonly command: string | undefined;
  readonly submenu: string | undefined;
}

export interface ConfigurationProperty {
  readonly key: string;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
}

export interface Manifest {
  readonly name: string;
  readonly publisher: string;
  readonly main: string | undefined;
  readonly vscodeEngine: string;
  readonly activationEvents: readonly string[];
  readonly commands: readonly CommandContribution[];
  readonly views: readonly ViewContribution[];
  readonly viewContainers: readonly ViewContainerContribution[];
  readonly viewsWelcome: readonly string[];
  readonly menuItems: readonly MenuItemContribution[];
  readonly submenus: readonly string[];
  readonly configuration: readonly ConfigurationProperty[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, expected: string): never {
  throw new Error(`package.json ${path}: expected ${expected}`);
}

function stringAt(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, 'a string');
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : stringAt(value, path);
}

function recordAt(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined) {
    return {};
  }
  return isRecord(value) ? value : fail(path, 'an object');
}

function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : fail(path, 'an array');
}

function entries<T>(value: unknown, path: string, read: (item: Record<string, unknown>, itemPath: string) => T): T[] {
  return arrayAt(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    return read(isRecord(item) ? item : fail(itemPath, 'an object'), itemPath);
  });
}

function configurationProperties(value: unknown): ConfigurationProperty[] {
  // `contributes.configuration` is one object or an array of them (one per settings category).
  const sections = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return sections.flatMap((section, index) => {
    const path = `contributes.configuration[${index}]`;
    const properties = recordAt(recordAt(section, path)['properties'], `${path}.properties`);
    return Object.entries(properties).map(([key, schema]) => {
      const property = recordAt(schema, `${path}.properties.${key}`);
      return { key, hasDefault: 'default' in property, defaultValue: property['default'] };
    });
  });
}

export function parseManifest(json: unknown): Manifest {
  const root = recordAt(json, '(root)');
  const contributes = recordAt(root['contributes'], 'contributes');
  const engines = recordAt(root['engines'], 'engines');

  const views = Object.entries(recordAt(contributes['views'], 'contributes.views')).flatMap(([container, list]) =>
    entries(list, `contributes.views.${container}`, (item, path) => ({
      id: stringAt(item['id'], `${path}.id`),
      container,
      when: optionalString(item['when'], `${path}.when`),
    })),
  );
  const viewContainers = Object.entries(
    recordAt(contributes['viewsContainers'], 'contributes.viewsContainers'),
  ).flatMap(([location, list]) =>
    entries(list, `contributes.viewsContainers.${location}`, (item, path) => ({
      id: stringAt(item['id'], `${path}.id`),
      location,
    })),
  );
  const menuItems = Object.entries(recordAt(contributes['menus'], 'contributes.menus')).flatMap(([menu, list]) =>
    entries(list, `contributes.menus.${menu}`, (item, path) => ({
      menu,
      command: optionalString(item['command'], `${path}.command`),
      submenu: optionalString(item['submenu'], `${path}.submenu`),
    })),
  );

  return {
    name: stringAt(root['name'], 'name'),
    publisher: stringAt(root['publisher'], 'publisher'),
    main: optionalString(root['main'], 'main'),
    vscodeEngine: stringAt(engines['vscode'], 'engines.vscode'),
    activationEvents: arrayAt(root['activationEvents'], 'activationEvents').map((event, index) =>
      stringAt(event, `activationEvents[${index}]`),
    ),
    commands: entries(contributes['commands'], 'contributes.commands', (item, path) => ({
      command: stringAt(item['command'], `${path}.command`),
      title: stringAt(item['title'], `${path}.title`),
    })),
    views,
    viewContainers,
    viewsWelcome: entries(contributes['viewsWelcome'], 'contributes.viewsWelcome', (item, path) =>
      stringAt(item['view'], `${path}.view`),
    ),
    menuItems,
    submenus: entries(contributes['submenus'], 'contributes.submenus', (item, path) =>
      stringAt(item['id'], `${path}.id`),
    ),
    configuration: configurationProperties(contributes['configuration']),
  };
}

/** The smallest version a `^x.y.z` / `>=x.y.z` / `x.y.z` engine range admits, and whether the major is pinned. */
export function parseEngineRange(range: string): {
  readonly minimum: readonly [number, number, number];
  readonly sameMajor: boolean;
} {
  const match = /^\s*(\^|>=)?\s*(\d+)\.(\d+)\.(\d+)/.exec(range);
  if (match === null) {
    throw new Error(`Unsupported engines.vscode range ${JSON.stringify(range)}`);
  }
  return { minimum: [Number(match[2]), Number(match[3]), Number(match[4])], sameMajor: match[1] === '^' };
}

export function parseVersion(version: string): readonly [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) {
    throw new Error(`Unparseable version ${JSON.stringify(version)}`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function compareVersions(
  left: readonly [number, number, number],
  right: readonly [number, number, number],
): number {
  for (let index = 0; index < 3; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
