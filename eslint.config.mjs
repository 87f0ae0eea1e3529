import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layers (docs/architecture.md): core ← etl ← server ← app. A layer imports only the layers below it; the app
// reaches the server only through its public faces (tRPC types, KPI and wall contracts, the runtime for route
// handlers), never its stores or jobs. Relative paths that climb into another layer count the same as `@/`.
const layer = (name) => `^(@/|(\\.\\./)+)${name}(/|$)`;
const forbid = (names, why) => ({ regex: layer(`(${names.join('|')})`), message: why });
const layerRules = [
  {
    files: ['core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [forbid(['etl', 'server', 'app'], 'core is the lowest layer: it imports nothing above it.')] },
      ],
    },
  },
  {
    files: ['etl/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [forbid(['server', 'app'], 'etl sits on core only: it must not import server or app.')] },
      ],
    },
  },
  {
    files: ['server/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [forbid(['app'], 'server must not import app.')] }] },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(['etl'], 'app must not import etl: the web bundle carries no connector or simulator code.'),
            {
              regex:
                '^@/(core/clickhouse|server/(db|repositories|jobs|clickhouse)|server/kpi/(service|rollup|families)|server/alerts/(engine|evaluators|rule-service|preview)|server/wall/(service|layouts|zone-control|zone-data))(/|$)',
              message:
                "app reaches the server only through its public faces (tRPC, KPI/wall contracts, the runtime), not its stores, jobs or services' insides.",
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'server/db/generated/**', 'next-env.d.ts', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
);
