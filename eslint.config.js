import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Outputs, not sources: among them the bench's cache (.bench/) and the local lifecycle's state (.lifecycle/).
  {
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      'bin/',
      'coverage/',
      '.bench/',
      '.lifecycle/',
      'src/archive/vendor/**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
