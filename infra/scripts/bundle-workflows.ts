import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { repoRoot } from '../services/process';

/**
 * Where the compiled-or-source tree this file belongs to starts: the repository root when running from
 * sources (ts-jest, ts-node), `<repo>/dist` when running the build output.
 */
const codeRoot = path.resolve(__dirname, '..', '..');

/** Where `npm run build` writes the bundle, relative to the repository root; the image's WORKFLOW_BUNDLE_PATH. */
export const WORKFLOW_BUNDLE_FILE = path.join('dist', 'workflow-bundle.js');

export interface BundleWorkflowsOptions {
  /** Entry module; default `<codeRoot>/workflows/index.(ts|js)`. */
  workflowsPath?: string;
}

/**
 * Bundles the workflow code with Temporal's webpack bundler, once, so workers start from the bundle instead of
 * re-bundling on every boot (or, in Jest, in every test file). Returns the bundle's code.
 */
export async function bundleWorkflows(options: BundleWorkflowsOptions = {}): Promise<string> {
  const workflowsPath = options.workflowsPath ?? defaultWorkflowsPath();
  const aliases = tsconfigAliases();
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // The bundler logs webpack's whole stats report at INFO; only problems are worth showing.
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      // Temporal's webpack does not read tsconfig paths: without these, `@idp/domain` in workflow code fails
      // to resolve when bundling from sources (dist/ has them rewritten by tsc-alias already).
      config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as object), ...aliases } };
      return config;
    },
  });
  return code;
}

function defaultWorkflowsPath(): string {
  for (const file of ['index.ts', 'index.js']) {
    const candidate = path.join(codeRoot, 'workflows', file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no workflows/index.ts or workflows/index.js under ${codeRoot}`);
}

/**
 * tsconfig.json `paths` as webpack aliases, pointing into the same tree as the workflow entry. `foo/*` becomes
 * the prefix alias `foo`; an exact `foo` becomes `foo$` so it does not also swallow `foo/bar`.
 */
export function tsconfigAliases(): Record<string, string> {
  const tsconfigFile = path.join(repoRoot(), 'tsconfig.json');
  // tsconfig.json may hold comments and trailing commas; TypeScript's own reader copes with both. It is a
  // devDependency, so fall back to plain JSON where it is not installed.
  let config: { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    config = ts.readConfigFile(tsconfigFile, ts.sys.readFile).config;
  } catch {
    config = JSON.parse(readFileSync(tsconfigFile, 'utf8'));
  }
  const baseUrl = path.resolve(codeRoot, config.compilerOptions?.baseUrl ?? '.');
  const aliases: Record<string, string> = {};
  for (const [key, targets] of Object.entries(config.compilerOptions?.paths ?? {})) {
    const target = targets[0];
    if (!target) continue;
    if (key.endsWith('/*')) aliases[key.slice(0, -2)] = path.join(baseUrl, target.replace(/\/\*$/, ''));
    else aliases[`${key}$`] = path.join(baseUrl, target);
  }
  return aliases;
}

export function writeBundle(code: string, file = path.join(repoRoot(), WORKFLOW_BUNDLE_FILE)): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, code);
  return file;
}

if (require.main === module) {
  const started = Date.now();
  bundleWorkflows()
    .then((code) => {
      const file = writeBundle(code);
      console.log(
        `workflow bundle: ${path.relative(process.cwd(), file)} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`,
      );
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
