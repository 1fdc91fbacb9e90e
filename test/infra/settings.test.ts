import fs from 'node:fs';
import path from 'node:path';
import { AZURE_DEFAULTS, AZURE_SETTINGS, readAzureConfig } from '../../shared/hosting/azureConfig';
import { DEFAULTS, MIN_ACCESS_KEY_BYTES, SETTINGS, readConfig } from '../../shared/hosting/config';
import { SETTING_SCOPES } from '../../shared/hosting/settingScopes';
import { BicepFile, type BicepEntry } from './BicepFile';

// The Bicep CLI and the Functions host cannot run here, so this suite reads infra/ and the settings
// files as text and holds them against the names the configuration modules read.

const root = path.join(__dirname, '../..');
const infra = path.join(root, 'infra');

/**
 * Settings only the Functions platform reads (host storage, telemetry, which identity
 * DefaultAzureCredential picks) and the identity parts of the Service Bus trigger's connection.
 */
const PLATFORM_SETTINGS = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'AZURE_CLIENT_ID',
  'JOBROUTER_SERVICEBUS__credential',
  'JOBROUTER_SERVICEBUS__clientId',
];
/** What `func start` needs besides the router's settings. */
const LOCAL_PLATFORM_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];

const sharedKeys = Object.keys(SETTINGS) as (keyof typeof SETTINGS)[];
const azureSettings = Object.values(AZURE_SETTINGS);
const readByFunctionsHost = [...sharedKeys.filter((k) => SETTING_SCOPES[k].functionsHost).map((k) => SETTINGS[k]), ...azureSettings.map((s) => s.name)];
const deployedByCode = [...sharedKeys.filter((k) => SETTING_SCOPES[k].deployed).map((k) => SETTINGS[k]), ...azureSettings.filter((s) => s.deployed).map((s) => s.name)];

const without = (names: Iterable<string>, excluded: Iterable<string>) => {
  const drop = new Set(excluded);
  return [...names].filter((n) => !drop.has(n)).sort();
};

function bicepFiles(dir: string): BicepFile[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(full);
    return entry.name.endsWith('.bicep') ? [BicepFile.read(full)] : [];
  });
}

const files = bicepFiles(infra);
const mainBicep = (() => {
  const found = files.find((f) => f.path === path.join(infra, 'main.bicep'));
  if (!found) throw new Error('infra/main.bicep is missing.');
  return found;
})();

interface Resource {
  file: BicepFile;
  name: string;
  type: string;
  body: BicepEntry[];
}

const resources: Resource[] = files.flatMap((file) =>
  file
    .declarations()
    .filter((d) => d.keyword === 'resource')
    .map((d) => ({ file, name: d.name, type: d.type.split('@')[0] ?? '', body: file.objectAt(d.bodyStart ?? -1) })),
);

function resourcesOfType(type: string): Resource[] {
  const found = resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  if (found.length === 0) throw new Error(`infra/ declares no ${type} resource.`);
  return found;
}

/** The one resource of that type in infra/. */
function theResource(type: string): Resource {
  const [only, ...others] = resourcesOfType(type);
  if (!only || others.length > 0) throw new Error(`infra/ declares ${others.length + 1} ${type} resources; expected one.`);
  return only;
}

function entry(entries: BicepEntry[], key: string, where: string): BicepEntry {
  const found = entries.find((e) => e.key === key);
  if (!found) throw new Error(`${where} has no '${key}'.`);
  return found;
}

/** Entries of the resource's `properties` object (or of a nested object below it, by keys). */
function properties(resource: Resource, ...keys: string[]): BicepEntry[] {
  const where = `${resource.type} '${resource.name}'`;
  let object = resource.file.objectAt(entry(resource.body, 'properties', where).start);
  for (const key of keys) object = resource.file.objectAt(entry(object, key, where).start);
  return object;
}

const valueOf = (entries: BicepEntry[], key: string) => entries.find((e) => e.key === key)?.value;

/** The Function App's app settings: every `sites/config` resource named 'appsettings'. */
function appSettings(): Map<string, string> {
  const settings = new Map<string, string>();
  const configs = resources.filter((r) => /^(Microsoft\.Web\/sites\/)?config$/i.test(r.type) && valueOf(r.body, 'name') === "'appsettings'");
  if (configs.length === 0) throw new Error("infra/ has no Microsoft.Web/sites/config resource named 'appsettings'.");
  for (const config of configs) {
    const props = entry(config.body, 'properties', `app settings '${config.name}'`);
    if (!props.value.startsWith('{')) {
      throw new Error(`${path.relative(root, config.file.path)}: the app settings must be one object literal (not "${props.value.split('\n')[0]}") so that their names can be checked.`);
    }
    for (const setting of config.file.objectAt(props.start)) {
      if (!setting.key) throw new Error(`${path.relative(root, config.file.path)}: app settings entry "${setting.value}" has no literal name.`);
      settings.set(setting.key, setting.value);
    }
  }
  return settings;
}

const localSettings = JSON.parse(fs.readFileSync(path.join(root, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };

/** `a.b.c` → value, for the block mappings of azure.yaml; a block scalar (`|`) maps to its lines. */
function yamlValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const stack: { indent: number; key: string }[] = [];
  let block: { key: string; indent: number; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (block && (line.trim() === '' || indent > block.indent)) {
      block.lines.push(line.trim());
      continue;
    }
    if (block) values.set(block.key, block.lines.join('\n').trim());
    block = undefined;
    const pair = /^([\w-]+):(?:\s+(.*))?$/.exec(line.trim());
    if (line.trimStart().startsWith('#') || !pair) continue;
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    const key = [...stack.map((s) => s.key), pair[1]].join('.');
    const value = (pair[2] ?? '').replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2');
    if (value === '|' || value === '>') block = { key, indent, lines: [] };
    else if (value !== '') values.set(key, value);
    stack.push({ indent, key: pair[1] ?? '' });
  }
  if (block) values.set(block.key, block.lines.join('\n').trim());
  return values;
}

describe('local.settings.sample.json', () => {
  const values = localSettings.Values;

  it('provides every setting the Functions host reads', () => {
    expect(without(readByFunctionsHost, Object.keys(values))).toEqual([]);
  });

  it('sets nothing the Functions host does not read (embedded-only settings stay out)', () => {
    expect(without(Object.keys(values), [...readByFunctionsHost, ...LOCAL_PLATFORM_SETTINGS])).toEqual([]);
  });

  it('is a working configuration against Azurite and the Cosmos DB and Service Bus emulators', () => {
    expect(values['FUNCTIONS_WORKER_RUNTIME']).toBe('node');
    expect(values['AzureWebJobsStorage']).toBe('UseDevelopmentStorage=true');
    expect(readConfig(values)).toMatchObject({ maxBodyBytes: DEFAULTS.maxBodyBytes, logLevel: DEFAULTS.logLevel, accessKey: undefined });
    const azure = readAzureConfig(values);
    expect(azure.cosmos).toEqual({
      endpoint: 'https://localhost:8081/',
      key: expect.stringMatching(/^C2y6yDjf5/),
      database: AZURE_DEFAULTS.cosmosDatabase,
      container: AZURE_DEFAULTS.cosmosContainer,
      // A fresh emulator has no container until the router creates it.
      createIfMissing: true,
    });
    expect(azure.serviceBus).toEqual({ connectionString: expect.stringContaining('UseDevelopmentEmulator=true'), namespace: undefined, queue: AZURE_DEFAULTS.matchQueue });
    expect(azure.eventGrid).toBeUndefined();
  });

  it('names the match queue, database and container explicitly, with the code defaults', () => {
    // The code's defaults apply when these are unset; the sample names them so that they are easy to find and change.
    expect(values[AZURE_SETTINGS.matchQueue.name]).toBe(AZURE_DEFAULTS.matchQueue);
    expect(values[AZURE_SETTINGS.cosmosDatabase.name]).toBe(AZURE_DEFAULTS.cosmosDatabase);
    expect(values[AZURE_SETTINGS.cosmosContainer.name]).toBe(AZURE_DEFAULTS.cosmosContainer);
  });
});

describe('Function App app settings in infra/', () => {
  const settings = appSettings();

  it('set every setting the code marks as deployed', () => {
    expect(without(deployedByCode, settings.keys())).toEqual([]);
  });

  it("set nothing the code does not read, besides the Functions platform's own", () => {
    expect(without(settings.keys(), [...deployedByCode, ...PLATFORM_SETTINGS])).toEqual([]);
  });

  it('set every part of the identity-based connections (host storage, Service Bus trigger, telemetry)', () => {
    expect(without(PLATFORM_SETTINGS, settings.keys())).toEqual([]);
    expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(settings.get('JOBROUTER_SERVICEBUS__credential')).toBe("'managedidentity'");
    const clientId = settings.get('AZURE_CLIENT_ID');
    expect(clientId).toMatch(/^[A-Za-z_]\w*$/);
    expect(settings.get('AzureWebJobsStorage__clientId')).toBe(clientId);
    expect(settings.get('JOBROUTER_SERVICEBUS__clientId')).toBe(clientId);
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(`'ClientId=\${${clientId}};Authorization=AAD'`);
  });

  it('take the access key from Key Vault, resolved with the user-assigned identity', () => {
    expect(settings.get(SETTINGS.accessKey)).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)'$/);
    expect(valueOf(properties(theResource('Microsoft.Web/sites')), 'keyVaultReferenceIdentity')).toMatch(/^\w+$/);
  });

  it('hold no key or connection string, and nothing in infra/ reads one', () => {
    expect([...settings].filter(([, value]) => /AccountKey=|SharedAccessKey|listKeys|connectionStrings/i.test(value)).map(([name]) => name)).toEqual([]);
    expect(files.filter((f) => /\blist(Keys|ConnectionStrings|Credentials)\s*\(/.test(f.code)).map((f) => path.relative(root, f.path))).toEqual([]);
  });
});

describe('Azure resources in infra/', () => {
  it('run the app on Flex Consumption, Node 22 (which package.json engines admits), deployed from a blob container with the identity', () => {
    const plan = theResource('Microsoft.Web/serverfarms');
    const sku = plan.file.objectAt(entry(plan.body, 'sku', 'plan').start);
    expect([valueOf(sku, 'name'), valueOf(sku, 'tier')]).toEqual(["'FC1'", "'FlexConsumption'"]);
    const site = theResource('Microsoft.Web/sites');
    expect(valueOf(properties(site, 'functionAppConfig', 'runtime'), 'name')).toBe("'node'");
    expect(valueOf(properties(site, 'functionAppConfig', 'runtime'), 'version')).toBe("'22'");
    const engines = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=(20|22)(\.\d+)*$/);
    expect(valueOf(properties(site, 'functionAppConfig', 'deployment', 'storage', 'authentication'), 'type')).toBe("'UserAssignedIdentity'");
  });

  it.each([
    ['Microsoft.Storage/storageAccounts', 'allowSharedKeyAccess', 'false'],
    ['Microsoft.DocumentDB/databaseAccounts', 'disableLocalAuth', 'true'],
    ['Microsoft.ServiceBus/namespaces', 'disableLocalAuth', 'true'],
    ['Microsoft.EventGrid/topics', 'disableLocalAuth', 'true'],
    ['Microsoft.Insights/components', 'DisableLocalAuth', 'true'],
    ['Microsoft.KeyVault/vaults', 'enableRbacAuthorization', 'true'],
  ])('%s sets %s: %s (identity only)', (type, key, value) => {
    for (const resource of resourcesOfType(type)) expect(valueOf(properties(resource), key)).toBe(value);
  });

  it('create the Cosmos DB account serverless, and the container partitioned on /pk with infra/cosmos-indexing.json', () => {
    expect(valueOf(properties(theResource('Microsoft.DocumentDB/databaseAccounts')), 'capabilities')).toMatch(/name:\s*'EnableServerless'/);
    const container = theResource('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    const resource = properties(container, 'resource');
    expect(valueOf(container.file.objectAt(entry(resource, 'partitionKey', 'container').start), 'paths')).toMatch(/^\[\s*'\/pk'\s*\]$/);
    const policyParam = valueOf(resource, 'indexingPolicy') ?? '';
    const cosmosModule = mainBicep.declarations().find((d) => d.keyword === 'module' && d.type.endsWith(path.basename(container.file.path)));
    const passed = mainBicep.objectAt(entry(mainBicep.objectAt(cosmosModule?.bodyStart ?? -1), 'params', 'cosmos module').start);
    expect(valueOf(passed, policyParam)).toBe("loadJsonContent('cosmos-indexing.json')");
    const policyFile = path.join(infra, 'cosmos-indexing.json');
    if (!fs.existsSync(policyFile)) throw new Error('infra/cosmos-indexing.json is missing: main.bicep loads it as the container indexing policy.');
    expect(JSON.parse(fs.readFileSync(policyFile, 'utf8'))).toMatchObject({ indexingMode: 'consistent' });
  });

  it('create the match queue with sessions, as the Service Bus emulator configuration does', () => {
    const queue = properties(theResource('Microsoft.ServiceBus/namespaces/queues'));
    expect(Object.fromEntries(queue.map((e) => [e.key, e.value]))).toEqual({ requiresSession: 'true', lockDuration: "'PT1M'", maxDeliveryCount: '10', deadLetteringOnMessageExpiration: 'true' });
    const emulator = JSON.parse(fs.readFileSync(path.join(infra, 'local/servicebus-emulator.config.json'), 'utf8')) as {
      UserConfig: { Namespaces: { Queues: { Name: string; Properties: Record<string, unknown> }[] }[] };
    };
    expect(emulator.UserConfig.Namespaces[0]?.Queues[0]).toMatchObject({
      Name: AZURE_DEFAULTS.matchQueue,
      Properties: { RequiresSession: true, LockDuration: 'PT1M', MaxDeliveryCount: 10, DeadLetteringOnMessageExpiration: true },
    });
  });

  it("default the names and limits of main.bicep to the code's defaults", () => {
    const params = new Map(mainBicep.declarations().filter((d) => d.keyword === 'param').map((d) => [d.name, d.value]));
    expect(params.get('cosmosDatabaseName')).toBe(`'${AZURE_DEFAULTS.cosmosDatabase}'`);
    expect(params.get('cosmosContainerName')).toBe(`'${AZURE_DEFAULTS.cosmosContainer}'`);
    expect(params.get('matchQueueName')).toBe(`'${AZURE_DEFAULTS.matchQueue}'`);
    expect(params.get('maxBodyBytes')).toBe(String(DEFAULTS.maxBodyBytes));
    expect(params.get('logLevel')).toBe(`'${DEFAULTS.logLevel}'`);
  });

  it('generate a secret access key by default: base64, at least 32 random bytes; refuse one shorter than the router takes', () => {
    const key = mainBicep.declarations().find((d) => d.name === 'routerAccessKey');
    expect(key?.value).toMatch(/^base64\('(\$\{newGuid\(\)\})+'\)$/);
    // Each GUID carries 122 random bits.
    expect((key?.value?.match(/newGuid\(\)/g)?.length ?? 0) * 122).toBeGreaterThanOrEqual(32 * 8);
    const lines = mainBicep.code.split('\n');
    const declaration = lines.findIndex((l) => /^param routerAccessKey\b/.test(l));
    const decorators: string[] = [];
    for (let i = declaration - 1; i >= 0 && (lines[i] ?? '').trim().startsWith('@'); i--) decorators.push((lines[i] ?? '').trim());
    // The router takes keys of MIN_ACCESS_KEY_BYTES; base64 writes them in 4 characters per 3 bytes.
    expect(decorators).toEqual(expect.arrayContaining(['@secure()', `@minLength(${4 * Math.ceil(MIN_ACCESS_KEY_BYTES / 3)})`]));
  });

  const ROLES = {
    'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Cosmos DB Built-in Data Contributor': '00000000-0000-0000-0000-000000000002',
    'Azure Service Bus Data Owner': '090c5cfd-751d-490a-894a-3ce6f1109419',
    'EventGrid Data Sender': 'd5a91429-5739-47e2-a06b-3470a27159e7',
    'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
    'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  };

  it.each(Object.entries(ROLES))('grant the identity %s', (_role, id) => {
    const file = files.find((f) => f.code.includes(`'${id}'`));
    expect(file).toBeDefined();
    const assignments = resources.filter((r) => r.file === file && /^Microsoft\.(Authorization\/roleAssignments|DocumentDB\/databaseAccounts\/sqlRoleAssignments)$/.test(r.type));
    expect(assignments.map((a) => valueOf(properties(a), 'principalId'))).toContain('identityPrincipalId');
  });

  it('call every module with the parameters it declares and read only outputs it declares', () => {
    const problems: string[] = [];
    for (const file of files) {
      const where = path.relative(root, file.path);
      const modules = new Map<string, BicepFile>();
      for (const module of file.declarations().filter((d) => d.keyword === 'module')) {
        const target = files.find((f) => f.path === path.resolve(path.dirname(file.path), module.type));
        if (!target) {
          problems.push(`${where}: module ${module.name} points at missing ${module.type}`);
          continue;
        }
        modules.set(module.name, target);
        const declared = target.declarations().filter((d) => d.keyword === 'param');
        const passed = file.objectAt(entry(file.objectAt(module.bodyStart ?? -1), 'params', `module ${module.name}`).start).map((e) => e.key ?? e.value);
        for (const name of without(passed, declared.map((d) => d.name))) problems.push(`${where}: module ${module.name} passes undeclared param ${name}`);
        for (const name of without(declared.filter((d) => d.value === undefined).map((d) => d.name), passed)) problems.push(`${where}: module ${module.name} misses param ${name}`);
      }
      for (const [, symbol, output] of file.code.matchAll(/\b(\w+)\.outputs\.(\w+)/g)) {
        const outputs = modules.get(symbol ?? '')?.declarations().filter((d) => d.keyword === 'output').map((d) => d.name);
        if (!outputs?.includes(output ?? '')) problems.push(`${where}: ${symbol}.outputs.${output} is not an output of a module here`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('load only files that exist', () => {
    const missing = files.flatMap((file) =>
      [...file.code.matchAll(/\bload(?:JsonContent|TextContent|FileAsBase64|YamlContent)\(\s*'([^']+)'/g)]
        .map(([, loaded]) => path.relative(root, path.resolve(path.dirname(file.path), loaded ?? '')))
        .filter((loaded) => !fs.existsSync(path.join(root, loaded))),
    );
    expect(missing).toEqual([]);
  });
});

describe('azd project', () => {
  const yaml = yamlValues(fs.readFileSync(path.join(root, 'azure.yaml'), 'utf8'));

  it('azure.yaml provisions infra/main.bicep and deploys the project as the `api` function app', () => {
    expect(yaml.get('infra.path')).toBe('infra');
    expect(yaml.get('infra.module')).toBe('main');
    expect(fs.existsSync(path.join(root, 'infra', `${yaml.get('infra.module')}.bicep`))).toBe(true);
    expect([yaml.get('services.api.host'), yaml.get('services.api.language'), yaml.get('services.api.project')]).toEqual(['function', 'ts', '.']);
    const site = theResource('Microsoft.Web/sites');
    expect(valueOf(site.body, 'tags')).toContain("'azd-service-name': 'api'");
  });

  it('keeps one access key per azd environment and passes it to Bicep', () => {
    for (const shell of ['posix', 'windows']) expect(yaml.get(`hooks.preprovision.${shell}.run`)).toContain('azd env set JOBROUTER_ACCESS_KEY');
    const parameters = JSON.parse(fs.readFileSync(path.join(infra, 'main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string }> };
    expect(parameters.parameters['routerAccessKey']?.value).toBe('${JOBROUTER_ACCESS_KEY}');
    const declared = mainBicep.declarations().filter((d) => d.keyword === 'param').map((d) => d.name);
    expect(without(Object.keys(parameters.parameters), declared)).toEqual([]);
  });

  it('.funcignore leaves out node_modules (built remotely on Linux) and keeps what the build and host need', () => {
    const patterns = fs
      .readFileSync(path.join(root, '.funcignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const ignored = (name: string, isDir: boolean) =>
      patterns.some((p) => (isDir || !p.endsWith('/')) && new RegExp(`^${p.replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(name));
    expect(yaml.get('services.api.remoteBuild')).toBe('true');
    expect(['node_modules', 'test', 'data', '.git'].filter((d) => !ignored(d, true))).toEqual([]);
    expect(['local.settings.json'].filter((f) => !ignored(f, false))).toEqual([]);
    expect(['dist', 'shared', 'functions'].filter((d) => ignored(d, true))).toEqual([]);
    expect(['host.json', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].filter((f) => ignored(f, false))).toEqual([]);
  });

  it('host.json uses the extension bundle 4.x that Flex Consumption, Service Bus sessions and Durable Functions need', () => {
    const host = JSON.parse(fs.readFileSync(path.join(root, 'host.json'), 'utf8')) as { extensionBundle: { id: string; version: string } };
    expect(host.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    expect(host.extensionBundle.version).toMatch(/^\[4\.[\d*]/);
  });
});
