import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { ConfigurationError, Environment, validateEnvironment } from '@idp/config';
import { WORKFLOW_BUNDLE_FILE } from '@idp/infra/scripts/bundle-workflows';
import { IdpSearchAttributes, searchAttributeRegistrations } from '@idp/temporal/search-attributes';

/**
 * There is no Docker engine or Kubernetes here, so nothing runs infra/deploy; this reads its files instead and
 * holds them to the code: variables libs/config knows and requires, entry points the build produces, search
 * attributes libs/temporal defines. Adding a required variable without adding it to compose and the chart fails here.
 */

const root = path.resolve(__dirname, '..', '..');
const deploy = path.join(root, 'infra', 'deploy');
const chart = path.join(deploy, 'helm', 'idp-orchestrator');
const read = (...parts: string[]) => readFileSync(path.join(...parts), 'utf8');

/** Every variable of the configuration schema, read from its validation decorators. */
const knownVariables = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .map((m) => m.propertyName),
);

/** The variables libs/config refuses to start without: what it reports for an empty environment. */
function variablesRequiredByConfig(): string[] {
  try {
    validateEnvironment({});
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.problems.flatMap((problem) => /^(\w+) is required/.exec(problem)?.[1] ?? []);
  }
  return [];
}

/** Required by the API alone, on top of the schema: it checks this before it boots (apps/api/src/main.ts). */
const REQUIRED_BY_API_ONLY = ['SESSION_SECRET'];

/** Which variables each process must be given; migrate.ts reads DATABASE_URL and nothing else. */
function requiredFor(process: string): string[] {
  const config = variablesRequiredByConfig();
  if (process === 'api') return [...config, ...REQUIRED_BY_API_ONLY];
  if (process === 'migrate') return ['DATABASE_URL'];
  return config;
}

/** Names in `wanted` that `given` lacks. */
const missing = (wanted: string[], given: Iterable<string>) => {
  const have = new Set(given);
  return wanted.filter((name) => !have.has(name));
};
const unknown = (names: Iterable<string>) => [...names].filter((name) => !knownVariables.has(name));

// --- compose.yaml ---------------------------------------------------------------------------------------------

interface ComposeService {
  build?: { dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, unknown>;
}

const compose = parse(read(deploy, 'compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };

/** Services that run our image, with the process the entry point starts (its first argument). */
function composeAppServices(services: Record<string, ComposeService>) {
  return Object.entries(services)
    .filter(([, s]) => s.build?.dockerfile === 'infra/deploy/Dockerfile')
    .map(([name, s]) => ({
      name,
      process: s.entrypoint?.[0] === 'idp-entrypoint' ? s.entrypoint[1] : s.command?.[0],
      environment: s.environment ?? {},
    }));
}

/** A variable is provided when it has a value that is not an empty default such as `${SMTP_URL:-}`. */
const providedIn = (environment: Record<string, unknown>) =>
  Object.entries(environment)
    .filter(([, value]) => value !== null && value !== '' && !/^\$\{\w+:?-\}$/.test(String(value)))
    .map(([name]) => name);

function composeProblems(services: Record<string, ComposeService>): string[] {
  return composeAppServices(services).flatMap(({ name, process, environment }) => [
    ...unknown(Object.keys(environment)).map((v) => `${name}: ${v} is not a libs/config variable`),
    ...missing(requiredFor(String(process)), providedIn(environment)).map((v) => `${name} (${process}) lacks ${v}`),
  ]);
}

// --- Helm chart -----------------------------------------------------------------------------------------------

interface ChartValues {
  config: Record<string, unknown>;
  secrets: { existingSecret: string; required: Record<string, string[]>; optional: Record<string, string[]> };
  api: Record<'readinessProbe' | 'livenessProbe', { httpGet: { path: string; port: string } }>;
}

const values = parse(read(chart, 'values.yaml')) as ChartValues;
const templates = Object.fromEntries(
  readdirSync(path.join(chart, 'templates')).map((file) => [file, read(chart, 'templates', file)]),
);
/** Variables a template sets by name (`- name: PORT`), besides the ConfigMap and the Secret. */
const literalEnv = (template: string) => [...template.matchAll(/-\s+name:\s+([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1]);

/** Chart processes: the template that runs each, and the entry point argument it passes. */
const chartProcesses = [
  { key: 'api', template: 'api-deployment.yaml', process: 'api', usesConfigMap: true },
  { key: 'worker', template: 'worker-deployment.yaml', process: 'worker', usesConfigMap: true },
  { key: 'migrations', template: 'migrations-job.yaml', process: 'migrate', usesConfigMap: false },
];

function chartProblems(chartValues: ChartValues): string[] {
  const named = [
    ...Object.keys(chartValues.config),
    ...Object.values(chartValues.secrets.required).flat(),
    ...Object.values(chartValues.secrets.optional).flat(),
    ...Object.values(templates).flatMap(literalEnv),
  ];
  const configured = Object.entries(chartValues.config)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name]) => name);
  return [
    ...unknown(new Set(named)).map((v) => `chart: ${v} is not a libs/config variable`),
    ...chartProcesses.flatMap(({ key, template, process, usesConfigMap }) => {
      const given = [
        ...(usesConfigMap ? configured : []),
        ...(chartValues.secrets.required[key] ?? []),
        ...literalEnv(templates[template]),
      ];
      return missing(requiredFor(process), given).map((v) => `chart ${key} lacks ${v}`);
    }),
  ];
}

// --- image ----------------------------------------------------------------------------------------------------

const dockerfile = read(deploy, 'Dockerfile');
/** The entry point's commands: `api) exec node dist/apps/api/src/main.js` → api → dist/apps/api/src/main.js. */
const entryPoints = Object.fromEntries(
  [...read(deploy, 'docker-entrypoint.sh').matchAll(/^\s*(\w+)\) exec node (\S+)/gm)].map((m) => [m[1], m[2]]),
);
const buildRoots = (parse(read(root, 'tsconfig.build.json')) as { include: string[] }).include;
const packageScripts = (JSON.parse(read(root, 'package.json')) as { scripts: Record<string, string> }).scripts;

describe('deployment files (infra/deploy)', () => {
  it('reads the configuration schema, so the checks below compare against something', () => {
    expect(knownVariables).toContain('DATABASE_URL');
    expect(variablesRequiredByConfig()).toEqual(expect.arrayContaining(['DATABASE_URL', 'DATA_ENCRYPTION_KEY']));
    expect(unknown(REQUIRED_BY_API_ONLY)).toEqual([]);
  });

  describe('compose.yaml', () => {
    it('runs the API, the worker, the migrations and the admin command from our image', () => {
      const processes = composeAppServices(compose.services).map((s) => s.process);
      expect(processes.sort()).toEqual(['admin', 'api', 'migrate', 'worker']);
    });

    it('names only variables libs/config knows, and gives each process every variable it requires', () => {
      expect(composeProblems(compose.services)).toEqual([]);
    });

    it('would notice a required variable left out', () => {
      const services = structuredClone(compose.services);
      delete services.worker.environment!.DATA_ENCRYPTION_KEY;
      services.api.environment!.SESSION_SECRET = '${SESSION_SECRET:-}';
      services.api.environment!.DATABASE_PASSWORD = 'x';
      expect(composeProblems(services)).toEqual(
        expect.arrayContaining([
          'api: DATABASE_PASSWORD is not a libs/config variable',
          'api (api) lacks SESSION_SECRET',
          'worker (worker) lacks DATA_ENCRYPTION_KEY',
        ]),
      );
    });

    it('registers exactly the search attributes libs/temporal defines, with their types', () => {
      const registered = String(compose.services['temporal-setup'].environment?.IDP_SEARCH_ATTRIBUTES)
        .split(/\s+/)
        .sort();
      const cliType = (type: string) =>
        type
          .toLowerCase()
          .split('_')
          .map((word) => word[0].toUpperCase() + word.slice(1))
          .join('');
      const defined = Object.values(IdpSearchAttributes).map((key) => `${key.name}=${cliType(key.type)}`);
      expect(registered).toEqual(defined.sort());
      expect(registered).toEqual(searchAttributeRegistrations.map((a) => `${a.name}=${a.cliType}`).sort());
    });
  });

  describe('Helm chart', () => {
    it('names only variables libs/config knows, and gives each process every variable it requires', () => {
      expect(chartProblems(values)).toEqual([]);
    });

    it('would notice a required variable left out', () => {
      const changed = structuredClone(values);
      changed.secrets.required.api = changed.secrets.required.api.filter((v) => v !== 'SESSION_SECRET');
      changed.secrets.optional.api.push('SESSION_SECRET');
      changed.config.TEMPORAL_ADRESS = 'typo:7233';
      expect(chartProblems(changed)).toEqual(
        expect.arrayContaining([
          'chart: TEMPORAL_ADRESS is not a libs/config variable',
          'chart api lacks SESSION_SECRET',
        ]),
      );
    });

    it('feeds each workload the ConfigMap and its own Secret keys, and runs the process it is named for', () => {
      for (const { key, template, process, usesConfigMap } of chartProcesses) {
        const text = templates[template];
        expect(text).toContain(`(dict "root" . "process" "${key}")`);
        expect(text.includes('configMapRef')).toBe(usesConfigMap);
        expect(text).toMatch(new RegExp(`args: \\[${process}\\]`));
      }
      expect(templates['migrations-job.yaml']).toContain('helm.sh/hook: pre-install,pre-upgrade');
    });

    it('takes the API out of service by /health, and counts it alive while it listens (a dependency outage restarts nothing)', () => {
      expect(values.api.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(values.api.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' } });
      expect(values.api.livenessProbe.httpGet).toBeUndefined();
      expect(templates['api-deployment.yaml']).toMatch(/- name: http\s+containerPort: \{\{ \.Values\.api\.port \}\}/);
    });
  });

  describe('image', () => {
    it("starts each process from a file the build compiles, the same one package.json's scripts run", () => {
      expect(Object.keys(entryPoints).sort()).toEqual(['admin', 'api', 'migrate', 'worker']);
      for (const file of Object.values(entryPoints)) {
        const source = file.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        expect(existsSync(path.join(root, source))).toBe(true);
        expect(buildRoots).toContain(source.split('/')[0]);
      }
      expect(packageScripts.admin).toBe(`node ${entryPoints.admin}`);
      expect(packageScripts['db:migrate']).toBe(`node ${entryPoints.migrate}`);
    });

    it('uses the entry point script, runs the API by default and loads the bundle the build writes', () => {
      expect(dockerfile).toMatch(
        /^COPY --chmod=755 infra\/deploy\/docker-entrypoint\.sh \/usr\/local\/bin\/idp-entrypoint$/m,
      );
      expect(dockerfile).toMatch(/^ENTRYPOINT \["idp-entrypoint"\]$/m);
      expect(dockerfile).toMatch(/^CMD \["api"\]$/m);
      expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
      expect(dockerfile).toContain(`WORKFLOW_BUNDLE_PATH=/app/${WORKFLOW_BUNDLE_FILE}`);
      expect(packageScripts.build).toContain('node dist/infra/scripts/bundle-workflows.js');
    });

    it('copies only sources that exist', () => {
      const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) =>
        m[1].split(' '),
      );
      expect(sources.length).toBeGreaterThan(5);
      expect(sources.filter((source) => !existsSync(path.join(root, source)))).toEqual([]);
    });
  });
});
