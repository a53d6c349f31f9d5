import { HttpStatus, type PipeTransform } from '@nestjs/common';
import { ProblemException, problemType } from '../../common/problem';

/** A path parameter that must be a whole number from 1 to `max` (a round, an issue number); else 400 naming it. */
export class WholeNumberPipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly max: number,
  ) {}

  transform(value: string): number {
    const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
    if (n >= 1 && n <= this.max) return n;
    const message = `${this.name} must be a whole number from 1 to ${this.max}`;
    throw new ProblemException(HttpStatus.BAD_REQUEST, {
      type: problemType('validation'),
      title: 'The request has invalid fields',
      detail: message,
      errors: [{ field: this.name, message }],
    });
  }
}
