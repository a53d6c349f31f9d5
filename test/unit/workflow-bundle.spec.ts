import { readFileSync } from 'node:fs';

/*
 * Workflow code runs in Temporal's deterministic sandbox. Nest, TypeORM, class-validator and pg must never be
 * pulled into it, not even through a library's index file: this reads the bundle the test setup built.
 */
describe('the workflow bundle', () => {
  const bundle = readFileSync(process.env.WORKFLOW_BUNDLE_PATH!, 'utf8');

  it.each([
    'node_modules/@nestjs/',
    'node_modules/typeorm/',
    'node_modules/class-validator/',
    'node_modules/pg/',
    'libs/persistence/',
    'libs/notifications/',
    'libs/suppliers/',
    'libs/webhooks/',
  ])('does not contain %s', (fragment) => {
    expect(bundle).not.toContain(fragment);
  });

  it('contains the idp workflow and the domain it interprets', () => {
    expect(bundle).toContain('libs/domain/src/process/milestone-graph');
    expect(bundle).toContain('workflows/idp/idp.workflow');
  });

  it('contains the sandbox supplier workflow', () => {
    expect(bundle).toContain('workflows/sandbox-supplier/sandbox-supplier.workflow');
  });
});
