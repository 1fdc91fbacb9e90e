import fs from 'node:fs';
import path from 'node:path';
import { routeTable } from '../../shared/http/routeTable';

// The Functions host is not installable here, so its core module is stood in for: the stand-in only
// records what `@azure/functions` registers, which is what the host would read at startup.
const registered: { metadata: { name: string; bindings: Record<string, Record<string, unknown>> }; callback: unknown }[] = [];
jest.mock(
  '@azure/functions-core',
  () => ({
    setProgrammingModel: () => undefined,
    registerFunction: (metadata: (typeof registered)[number]['metadata'], callback: unknown) => {
      registered.push({ metadata, callback });
      return { dispose: () => undefined };
    },
  }),
  { virtual: true },
);

describe('Azure Functions registrations', () => {
  beforeAll(() => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registration happens as a side effect of loading the module
      require('../../functions/index');
    });
  });

  it('registers exactly the 33 operations of the route table', () => {
    expect(routeTable).toHaveLength(33);
    expect(registered.map((r) => r.metadata.name).sort()).toEqual(routeTable.map((op) => op.operationId).sort());
  });

  it.each(routeTable.map((op) => [op.operationId, op] as const))('%s has its method and the service route template', (operationId, op) => {
    const registration = registered.find((r) => r.metadata.name === operationId);
    const trigger = Object.values(registration?.metadata.bindings ?? {}).find((b) => b['type'] === 'httpTrigger');
    expect(trigger).toMatchObject({ direction: 'in', methods: [op.method], route: op.path.slice(1), authLevel: 'anonymous' });
    expect(typeof registration?.callback).toBe('function');
  });

  it('host.json adds no /api prefix, so routes are exactly the service paths', () => {
    const hostJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../host.json'), 'utf8'));
    expect(hostJson.extensions.http.routePrefix).toBe('');
  });

  it('package.json main points at the compiled registrations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/functions/index.js');
  });
});
