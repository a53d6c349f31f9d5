import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ProblemException, problemType, type FieldProblem } from './problem';

/** Field-level problems of class-validator errors (nested fields as `a.b` and `a[0]`). */
export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The global ValidationPipe: whitelist, refuse unknown fields, transform; errors as field-level problems. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldProblems = flatten(errors);
      return new ProblemException(HttpStatus.BAD_REQUEST, {
        type: problemType('validation'),
        title: 'The request has invalid fields',
        detail: fieldProblems.map((p) => p.message).join('; '),
        errors: fieldProblems,
      });
    },
  });
}
