import type { OrganisationEntity, SupplierAdapterKind } from '@idp/persistence';
import type { SupplierAdapter } from './supplier-adapter';

/** Picks the adapter a supplier organisation is set to (`organisation.supplierAdapter`). */
export class SupplierAdapterRegistry {
  constructor(private readonly adapters: Record<SupplierAdapterKind, SupplierAdapter>) {}

  /** The adapter for an organisation; `none` for one the installation does not know. */
  for(organisation: OrganisationEntity | null): { kind: SupplierAdapterKind; adapter: SupplierAdapter } {
    const kind = organisation?.supplierAdapter ?? 'none';
    return { kind, adapter: this.adapters[kind] ?? this.adapters.none };
  }
}
