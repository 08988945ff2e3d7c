// The bot's one identity: it is the Azure Bot's app (UserAssignedMSI) and it reaches Cosmos DB,
// Key Vault and Microsoft Graph, so no password or key is ever stored.
param name string
param location string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
}

output resourceId string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
