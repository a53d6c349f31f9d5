// The workflow bundle's entry point: every workflow the worker runs is exported here, and nothing else.
export { idp } from './idp/idp.workflow';
export { weeklyDigest } from './digest/digest.workflow';
export { sandboxSupplier } from './sandbox-supplier/sandbox-supplier.workflow';
