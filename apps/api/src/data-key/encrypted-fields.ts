/**
 * Every place a FieldCipher value lives in Postgres. `data-key rotate` and `data-key status` walk exactly this
 * list, so a new encrypted column belongs here, or a key rotation leaves it under the old key (the key-rotation
 * e2e test compares this list with the schema's `*_encrypted` and `*_lookup` columns). API keys and sign-in tokens
 * are plain SHA-256 hashes of random secrets, not keyed: a rotation does not touch them.
 */
export interface EncryptedField {
  /** How the admin command names it: table and field. */
  name: string;
  table: string;
  /** SQL expression reading the stored ciphertext (NULL where the row has none). */
  value: string;
  /** Column holding the keyed lookup hash of the plaintext, if the field has one. */
  lookup?: string;
  /** Column within which the lookup hash is unique (a unique index on it and `lookup`). */
  uniqueWithin?: string;
  /** SQL SET list writing the new ciphertext `n.value` and, with `lookup`, its hash `n.hash`. */
  assign: string;
}

export const ENCRYPTED_FIELDS: readonly EncryptedField[] = [
  {
    name: 'selected_patient.nhs_number',
    table: 'selected_patient',
    value: 'nhs_number_encrypted',
    lookup: 'nhs_number_lookup',
    uniqueWithin: 'migration_id',
    assign: 'nhs_number_encrypted = n.value, nhs_number_lookup = n.hash',
  },
  {
    name: 'organisation.webhook_secret',
    table: 'organisation',
    value: 'webhook_secret_encrypted',
    assign: 'webhook_secret_encrypted = n.value',
  },
  {
    name: 'organisation.sandbox_api_key',
    table: 'organisation',
    value: "adapter_settings->>'apiKeyEncrypted'",
    assign: "adapter_settings = jsonb_set(adapter_settings, '{apiKeyEncrypted}', to_jsonb(n.value))",
  },
];
