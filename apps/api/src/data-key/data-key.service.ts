import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import { FieldCipher, UndecryptableValueError } from '@idp/security';
import { ENCRYPTED_FIELDS, type EncryptedField } from './encrypted-fields';

/**
 * Where a stored value stands: under DATA_ENCRYPTION_KEY in the current form, under DATA_ENCRYPTION_KEY_PREVIOUS
 * (its ciphertext or its lookup hash), outdated (readable with the current key, but written before key ids or
 * with a lookup hash under no configured key), or unreadable with either key.
 */
export type ValueState = 'current' | 'previous' | 'outdated' | 'unreadable';

export interface FieldStatus extends Record<ValueState, number> {
  field: string;
  values: number;
}

export interface FieldRotation {
  field: string;
  examined: number;
  reencrypted: number;
  alreadyCurrent: number;
  unreadable: number;
  batches: number;
}

interface StoredRow {
  id: string;
  value: string;
  hash: string | null;
}

/** Below every uuid: where a walk over a table by id starts. */
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Rotation of DATA_ENCRYPTION_KEY (docs/key-rotation.md): counts the stored values under each key, and rewrites
 * every value and lookup hash under the current key. It walks each encrypted field by id in batches, one
 * transaction per batch with the rows locked, so the API and worker keep running, an interrupted run loses at most
 * one batch's work, and a second run finds nothing to do. Plaintexts stay in memory, never in its output.
 */
@Injectable()
export class DataKeyService {
  readonly cipher: FieldCipher;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<Environment, true>,
  ) {
    this.cipher = new FieldCipher(...dataEncryptionKeys(config));
  }

  async status(batchSize: number): Promise<FieldStatus[]> {
    const result: FieldStatus[] = [];
    for (const field of ENCRYPTED_FIELDS) {
      const counts: FieldStatus = { field: field.name, values: 0, current: 0, previous: 0, outdated: 0, unreadable: 0 };
      for (let after = FIRST_ID; ;) {
        const rows = await this.read(this.db.manager, field, after, batchSize, false);
        for (const row of rows) {
          counts.values++;
          counts[this.assess(field, row).state]++;
        }
        if (rows.length < batchSize) break;
        after = rows[rows.length - 1]!.id;
      }
      result.push(counts);
    }
    return result;
  }

  async rotate(batchSize: number): Promise<FieldRotation[]> {
    const result: FieldRotation[] = [];
    for (const field of ENCRYPTED_FIELDS) {
      const counts: FieldRotation = {
        field: field.name,
        examined: 0,
        reencrypted: 0,
        alreadyCurrent: 0,
        unreadable: 0,
        batches: 0,
      };
      for (let after = FIRST_ID; ;) {
        const rows = await this.db.transaction((manager) => this.rotateBatch(manager, field, after, batchSize, counts));
        counts.batches++;
        if (rows.length < batchSize) break;
        after = rows[rows.length - 1]!.id;
      }
      result.push(counts);
    }
    return result;
  }

  private async rotateBatch(
    manager: EntityManager,
    field: EncryptedField,
    after: string,
    batchSize: number,
    counts: FieldRotation,
  ): Promise<StoredRow[]> {
    const rows = await this.read(manager, field, after, batchSize, true);
    const rewritten: { ids: string[]; values: string[]; hashes: Array<string | null> } = {
      ids: [],
      values: [],
      hashes: [],
    };
    for (const row of rows) {
      const { state, plaintext } = this.assess(field, row);
      counts.examined++;
      if (state === 'current') counts.alreadyCurrent++;
      else if (state === 'unreadable') counts.unreadable++;
      else {
        rewritten.ids.push(row.id);
        rewritten.values.push(this.cipher.encrypt(plaintext!));
        rewritten.hashes.push(field.lookup ? this.cipher.lookupHash(plaintext!) : null);
      }
    }
    if (rewritten.ids.length > 0) {
      await this.refuseDuplicates(manager, field, rewritten.ids, rewritten.hashes);
      await manager.query(
        `UPDATE ${field.table} AS t SET ${field.assign}
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS n(id, value, hash)
          WHERE t.id = n.id`,
        [rewritten.ids, rewritten.values, rewritten.hashes],
      );
      counts.reencrypted += rewritten.ids.length;
    }
    return rows;
  }

  /**
   * A process that ran without DATA_ENCRYPTION_KEY_PREVIOUS mid-rotation can store a value a second time under the
   * other key's hash, which the unique index cannot see until the rotation gives both the same hash. Stops with the
   * two rows' ids (never their values) for the operator to merge, rather than Postgres's unique-violation message.
   */
  private async refuseDuplicates(
    manager: EntityManager,
    field: EncryptedField,
    ids: string[],
    hashes: Array<string | null>,
  ): Promise<void> {
    if (!field.lookup || !field.uniqueWithin) return;
    const duplicates: Array<{ rewritten: string; existing: string }> = await manager.query(
      `SELECT n.id AS rewritten, t.id AS existing
         FROM unnest($1::uuid[], $2::text[]) AS n(id, hash)
         JOIN ${field.table} AS s ON s.id = n.id
         JOIN ${field.table} AS t ON t.${field.uniqueWithin} = s.${field.uniqueWithin}
                                  AND t.${field.lookup} = n.hash AND t.id <> n.id`,
      [ids, hashes],
    );
    if (duplicates.length > 0) {
      const pairs = duplicates.map((d) => `${d.rewritten} and ${d.existing}`).join('; ');
      throw new Error(
        `${field.name}: rows ${pairs} hold the same value, one of them written under another key (by an API or worker running without DATA_ENCRYPTION_KEY_PREVIOUS during the rotation). Keep one of each pair, then run data-key rotate again: what it has rotated so far stays rotated.`,
      );
    }
  }

  /** The next batch of the field's stored values after `after` by id; locked for a rotation. */
  private read(
    manager: EntityManager,
    field: EncryptedField,
    after: string,
    batchSize: number,
    lock: boolean,
  ): Promise<StoredRow[]> {
    return manager.query(
      `SELECT id, ${field.value} AS value, ${field.lookup ?? 'NULL'} AS hash FROM ${field.table}
        WHERE id > $1 AND ${field.value} IS NOT NULL ORDER BY id LIMIT $2${lock ? ' FOR UPDATE' : ''}`,
      [after, batchSize],
    );
  }

  private assess(field: EncryptedField, row: StoredRow): { state: ValueState; plaintext?: string } {
    let opened;
    try {
      opened = this.cipher.open(row.value);
    } catch (error) {
      if (error instanceof UndecryptableValueError) return { state: 'unreadable' };
      throw error;
    }
    const { plaintext } = opened;
    if (opened.key === 'previous') return { state: 'previous', plaintext };
    if (field.lookup) {
      const [current, previous] = this.cipher.lookupHashes(plaintext);
      if (row.hash === previous) return { state: 'previous', plaintext };
      if (row.hash !== current) return { state: 'outdated', plaintext };
    }
    return { state: opened.tagged ? 'current' : 'outdated', plaintext };
  }
}
