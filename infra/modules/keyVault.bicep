// Key Vault (RBAC) holding the router access key. The function app resolves it through a Key Vault
// reference with its identity; the deploying principal may read it to build the connection string.
param name string
param location string
param tags object
param accessKeySecretName string
@secure()
param routerAccessKey string
param readOnlyKeySecretName string
@secure()
param routerReadOnlyKey string
param identityPrincipalId string
@description('Principal allowed to read the access key (the person running azd). Empty: none.')
param readerPrincipalId string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource accessKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: accessKeySecretName
  properties: {
    value: routerAccessKey
    contentType: 'Job Router access key (base64); connection string: endpoint=<function app URL>;accesskey=<this value>'
  }
}

resource readOnlyKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: readOnlyKeySecretName
  properties: {
    value: routerReadOnlyKey
    contentType: 'Job Router read-only key (base64): signs reads only; connection string: endpoint=<function app URL>;accesskey=<this value>'
  }
}

resource appReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource deployerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(readerPrincipalId)) {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    // No principalType: the deployer may be a user or a pipeline's service principal.
    principalId: readerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output name string = vault.name
output endpoint string = vault.properties.vaultUri
// Unversioned, so a new secret version reaches the app without redeploying it.
output accessKeyUri string = accessKey.properties.secretUri
output readOnlyKeyUri string = readOnlyKey.properties.secretUri
