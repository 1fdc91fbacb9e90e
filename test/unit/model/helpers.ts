import type { FieldError, Validation } from '../../../shared/domain/model';

/** The validated value, failing the test with the reported errors if there are any. */
export function valueOf<T>(result: Validation<T>): T {
  if (!result.ok) throw new Error(`expected a valid body, got errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.value;
}

export function errorsOf<T>(result: Validation<T>): FieldError[] {
  if (result.ok) throw new Error(`expected errors, got the value ${JSON.stringify(result.value)}`);
  return result.errors;
}

/** Asserts that one of the errors is at `path` and that its message contains `messagePart`. */
export function expectError<T>(result: Validation<T>, path: string, messagePart: string): void {
  const errors = errorsOf(result);
  expect(errors).toContainEqual({ path, message: expect.stringContaining(messagePart) });
}

/** Asserts exactly one error, at `path`, whose message contains `messagePart`. */
export function expectOnlyError<T>(result: Validation<T>, path: string, messagePart: string): void {
  const errors = errorsOf(result);
  expect(errors).toEqual([{ path, message: expect.stringContaining(messagePart) }]);
}
