// The Azure host: a Flex Consumption (FC1) Linux function app on Node 22 running the HTTP API, the
// Service Bus matcher and the Durable timer orchestrations. Every connection uses the one
// user-assigned identity; the access key is a Key Vault reference resolved with it.
param planName string
param appName string
param location string
param tags object
param maximumInstanceCount int
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param cosmosEndpoint string
param cosmosDatabaseName string
param cosmosContainerName string
param serviceBusNamespaceHost string
param matchQueueName string
param eventGridEndpoint string
param accessKeyUri string
param readOnlyKeyUri string
param maxBodyBytes int
param logLevel string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd deploys the `api` service of azure.yaml to the app carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        // Node 22: the LTS line that @azure/cosmos's dependencies declare; the code also runs on 20.19+.
        version: '22'
      }
    }
  }
}

// Flex Consumption takes the runtime from functionAppConfig and refuses FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION here. test/infra/settings.test.ts holds these names against the code.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Host storage (Durable Functions task hub, leases), reached with the identity.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // DefaultAzureCredential in the router's own clients (Cosmos DB, Service Bus sender, Event Grid).
    AZURE_CLIENT_ID: identityClientId
    // The Service Bus trigger's connection `JOBROUTER_SERVICEBUS`, in its identity form.
    JOBROUTER_SERVICEBUS__fullyQualifiedNamespace: serviceBusNamespaceHost
    JOBROUTER_SERVICEBUS__credential: 'managedidentity'
    JOBROUTER_SERVICEBUS__clientId: identityClientId
    JOBROUTER_MATCH_QUEUE: matchQueueName
    JOBROUTER_COSMOS_ENDPOINT: cosmosEndpoint
    JOBROUTER_COSMOS_DATABASE: cosmosDatabaseName
    JOBROUTER_COSMOS_CONTAINER: cosmosContainerName
    JOBROUTER_EVENTGRID_ENDPOINT: eventGridEndpoint
    JOBROUTER_ACCESS_KEY: '@Microsoft.KeyVault(SecretUri=${accessKeyUri})'
    JOBROUTER_READONLY_KEY: '@Microsoft.KeyVault(SecretUri=${readOnlyKeyUri})'
    JOBROUTER_MAX_BODY_BYTES: string(maxBodyBytes)
    JOBROUTER_LOG_LEVEL: logLevel
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}/'
