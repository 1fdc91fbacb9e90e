/**
 * `@azure/functions-core`, the module the Azure Functions host's Node.js worker gives `@azure/functions`
 * (and through it `durable-functions`) to register functions and hooks. The host cannot be installed here;
 * without this module the library switches to "test mode" and warns once per registration, so every suite
 * that loads `functions/` would print four warnings. jest.config.js maps the module name here for every
 * suite: registrations are recorded (what the host would read at startup) and nothing else happens. Without
 * `log`, the library writes its own system logs to the console, as it does on hosts older than v4.28.
 */

export interface Disposable {
  dispose(): void;
}

export interface RecordedRegistration {
  metadata: { name: string; bindings: Record<string, Record<string, unknown>> };
  callback: unknown;
}

/** Every function registered in this test file, in order. */
export const registered: RecordedRegistration[] = [];

const nothingToDispose: Disposable = { dispose: () => undefined };

export function setProgrammingModel(): void {}

export function registerFunction(metadata: RecordedRegistration['metadata'], callback: unknown): Disposable {
  registered.push({ metadata, callback });
  return nothingToDispose;
}

export function registerHook(): Disposable {
  return nothingToDispose;
}
