// Job Router on Azure Functions (Flex Consumption) with Cosmos DB, Service Bus, Durable Functions and
// Event Grid. `azd up` deploys it (see azure.yaml); every service is reached with one user-assigned
// managed identity, and no shared key or connection string is stored in app settings.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption function apps (az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person (or pipeline) deploying; given read access to the access key secret. Empty: none.')
param principalId string = ''

// azd passes the key it keeps in the environment (azure.yaml preprovision hook), so the key stays the
// same across `azd up` runs. Outside azd the default generates a new one on every deployment: pass
// the existing key to keep clients working.
// 24 base64 characters hold 16 bytes, the shortest key the router takes (MIN_ACCESS_KEY_BYTES); the
// default generates three GUIDs' worth.
@secure()
@minLength(24)
@description('Router access key (base64 of at least 16 bytes) that requests are signed with; stored in Key Vault.')
param routerAccessKey string = base64('${newGuid()}${newGuid()}${newGuid()}')

// Kept like the access key (azure.yaml generates it once per azd environment); it signs reads only.
@secure()
@minLength(24)
@description('Router read-only key (base64 of at least 16 bytes): signs reads (GET) only, for wallboards and monitoring; stored in Key Vault.')
param routerReadOnlyKey string = base64('${newGuid()}${newGuid()}${newGuid()}')

@description('Cosmos DB database of the router (AZURE_DEFAULTS.cosmosDatabase).')
param cosmosDatabaseName string = 'jobrouter'

@description('Cosmos DB container holding every router document (AZURE_DEFAULTS.cosmosContainer).')
param cosmosContainerName string = 'router2'

@description('Service Bus queue carrying match requests, one session per router queue (AZURE_DEFAULTS.matchQueue).')
param matchQueueName string = 'match-requests'

@minValue(1024)
@maxValue(67108864)
@description('Larger request bodies are refused with 413 (JOBROUTER_MAX_BODY_BYTES).')
param maxBodyBytes int = 262144

@allowed(['debug', 'info', 'warn', 'error', 'silent'])
@description('JOBROUTER_LOG_LEVEL of the function app.')
param logLevel string = 'info'

@minValue(40)
@maxValue(1000)
@description('Upper bound of Flex Consumption instances.')
param maximumInstanceCount int = 100

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var accessKeySecretName = 'jobrouter-access-key'
var readOnlyKeySecretName = 'jobrouter-readonly-key'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-jobrouter-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    identityPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
    indexingPolicy: loadJsonContent('cosmos-indexing.json')
    identityPrincipalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  scope: rg
  params: {
    namespaceName: 'sb-${resourceToken}'
    location: location
    tags: tags
    queueName: matchQueueName
    identityPrincipalId: identity.outputs.principalId
  }
}

module eventGrid 'modules/eventGrid.bicep' = {
  name: 'eventGrid'
  scope: rg
  params: {
    topicName: 'evgt-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    accessKeySecretName: accessKeySecretName
    routerAccessKey: routerAccessKey
    readOnlyKeySecretName: readOnlyKeySecretName
    routerReadOnlyKey: routerReadOnlyKey
    identityPrincipalId: identity.outputs.principalId
    readerPrincipalId: principalId
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    planName: 'plan-${resourceToken}'
    appName: 'func-jobrouter-${resourceToken}'
    location: location
    tags: tags
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosContainerName: cosmos.outputs.containerName
    serviceBusNamespaceHost: serviceBus.outputs.namespaceHost
    matchQueueName: serviceBus.outputs.queueName
    eventGridEndpoint: eventGrid.outputs.endpoint
    accessKeyUri: keyVault.outputs.accessKeyUri
    readOnlyKeyUri: keyVault.outputs.readOnlyKeyUri
    maxBodyBytes: maxBodyBytes
    logLevel: logLevel
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.endpoint
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.namespaceHost
output AZURE_EVENTGRID_TOPIC_ENDPOINT string = eventGrid.outputs.endpoint
// The connection string an SDK client needs, with the place of the key: the key itself stays in Key Vault.
output JOBROUTER_CONNECTION_STRING_HINT string = 'endpoint=${functionApp.outputs.url};accesskey=<az keyvault secret show --vault-name ${keyVault.outputs.name} --name ${accessKeySecretName} --query value -o tsv>'
