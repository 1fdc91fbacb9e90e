// The one identity of the function app: every service trusts it through a role assignment, and the
// app's settings name its client id so DefaultAzureCredential and the Functions host pick it.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
