import type { Config } from 'jest';

// Jest 29 compiles this file with ts-node, type-checking it; typed `import`s of typescript and ts-jest would
// pull their large declaration files into that check and add ~2 s to every `jest` start.
/* eslint-disable @typescript-eslint/no-require-imports */
const { pathsToModuleNameMapper } = require('ts-jest') as {
  pathsToModuleNameMapper(
    paths: Record<string, string[]>,
    options: { prefix: string },
  ): Record<string, string | string[]>;
};
const ts = require('typescript') as {
  sys: { readFile(path: string): string | undefined };
  readConfigFile(
    path: string,
    read: (path: string) => string | undefined,
  ): { config?: { compilerOptions: { paths: Record<string, string[]> } }; error?: unknown };
};
/* eslint-enable @typescript-eslint/no-require-imports */

// TypeScript's reader rather than `import ... from './tsconfig.json'`: tsconfig files may carry comments.
const { config: tsconfig, error } = ts.readConfigFile(`${__dirname}/tsconfig.json`, ts.sys.readFile);
if (error || !tsconfig) throw new Error('jest.config.ts: could not read tsconfig.json');

type ProjectConfig = Exclude<NonNullable<Config['projects']>[number], string>;

const shared: ProjectConfig = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    // Transpile only: `npm test` type-checks the whole repo with tsc first, and ts-jest's per-file type check
    // would repeat that in every worker for seconds each.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
  },
  moduleNameMapper: pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/' }),
};

// Needed by the workflow and e2e projects only; Jest 29 ignores `testTimeout` inside a project.
const longTimeout = ['<rootDir>/test/setup/long-timeout.ts'];

const config: Config = {
  rootDir: __dirname,
  // Top level, so it runs once per `jest` invocation whichever projects are selected (a project-level one
  // would run only when that project has tests). The transform it goes through is the first project's.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.spec.ts'],
      setupFilesAfterEnv: longTimeout,
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'], setupFilesAfterEnv: longTimeout },
    {
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.spec.ts'],
      setupFilesAfterEnv: longTimeout,
    },
  ],
};

export default config;
