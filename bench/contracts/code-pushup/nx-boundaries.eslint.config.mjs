// The peer run for bench/contracts/code-pushup: only @nx/enforce-module-boundaries, with the
// options and ignores of code-pushup/cli's eslint.config.js (commit in layers.toml), on the
// typescript-eslint parser. The project's other ESLint rules and plugins are left out: they
// need the whole devDependency tree and find nothing about module boundaries.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  {
    ignores: [
      '**/*.mock.*',
      '**/*.setup-file.*',
      '**/code-pushup.config.ts',
      '**/mocks/fixtures/**',
      '**/__snapshots__/**',
      '**/dist',
      '**/*.md',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.cjs', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [
            String.raw`^.*/eslint(\.base)?\.config\.[cm]?js$`,
            String.raw`^.*/code-pushup\.(config|preset)(\.m?[jt]s)?$`,
            '^[./]+/tools/.*$',
            String.raw`^[./]+/(testing/)?test-setup-config/src/index\.js$`,
          ],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared'] },
            { sourceTag: 'scope:plugin', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:tooling',
              onlyDependOnLibsWithTags: ['scope:tooling', 'scope:core', 'scope:plugin', 'scope:shared'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:app', 'type:feature', 'type:util', 'type:testing'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:testing'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
          ],
        },
      ],
    },
  },
];
