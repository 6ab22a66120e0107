// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier';

const NO_MATH_RANDOM = {
  selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
  message: 'Use node:crypto for anything random.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'bench-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  // Formatting belongs to Prettier (checked by `npm run lint`); this turns off the rules that would fight it.
  prettierConfig,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      curly: ['error', 'all'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `import vscode = require('vscode')`: with `import * as`, esbuild wraps the external module in
      // __toESM at every import site, copying the whole API namespace each time (~4 ms of activation).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      'no-restricted-syntax': [
        'error',
        NO_MATH_RANDOM,
        {
          // VS Code renders [x](command:…) in notification text as a link that runs a command.
          selector:
            "MemberExpression[object.property.name='window'][property.name=/^show(Error|Warning|Information)Message$/]",
          message:
            'Use src/vscode/notifications.ts: it makes text from LINE or a redirect link-free before VS Code shows it.',
        },
      ],
    },
  },
  {
    files: ['src/vscode/notifications.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_MATH_RANDOM] },
  },
  {
    // The core never imports vscode at run time: it is tested under plain node.
    files: ['src/core/**/*.ts', 'emulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'src/core must not depend on vscode; put VS Code code under src/vscode.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // node:test's describe/test return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
