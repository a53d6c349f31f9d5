import { HttpStatus, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ProblemException, problemType } from './problem';

const NUL = '\u0000';

/** Where in `value` the first string or property name holding a NUL character is, if anywhere. */
function nulAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [`${path}[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [path ? `${path}.${key}` : key, item]);
  for (const [field, item] of entries) {
    if (field.includes(NUL)) return field;
    const found = nulAt(item, field, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses a NUL character (U+0000) anywhere in a body, query or path parameter with a 400. Postgres cannot store
 * one in text or jsonb, so it would otherwise fail a kickoff or registration with a 500, or reach the workflow
 * and fail every attempt of the activity that projects it.
 */
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = nulAt(value, metadata.data ?? '');
    if (field === undefined) return value;
    const message = `${field || metadata.type} must not contain NUL (U+0000) characters`;
    throw new ProblemException(HttpStatus.BAD_REQUEST, {
      type: problemType('validation'),
      title: 'The request has invalid fields',
      detail: message,
      errors: [{ field: field || metadata.type, message }],
    });
  }
}
