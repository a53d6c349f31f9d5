import type { ConfigService } from '@nestjs/config';
import type { Environment } from './environment';

/**
 * What `FieldCipher` takes: DATA_ENCRYPTION_KEY and, while a key rotation is under way, DATA_ENCRYPTION_KEY_PREVIOUS.
 * Every reader of encrypted fields goes through this, so none of them forgets the previous key mid-rotation.
 */
export function dataEncryptionKeys(config: ConfigService<Environment, true>): [key: string, previousKey?: string] {
  return [
    config.getOrThrow('DATA_ENCRYPTION_KEY', { infer: true }),
    config.get('DATA_ENCRYPTION_KEY_PREVIOUS', { infer: true }),
  ];
}
