// The Azure Bot registration with the Microsoft Teams channel on: SingleTenant (new multi-tenant
// bots can no longer be created) on an Entra app registration that is itself multi-tenant, so
// schools' tenants can install the Teams app; or UserAssignedMSI (the managed identity), which
// only the council's own tenant can use.
param name string
param identityResourceId string
@allowed([
  'singleTenantApp'
  'managedIdentity'
])
param botIdentity string
param botAppId string
param messagingEndpoint string
@allowed([
  'F0'
  'S1'
])
param sku string = 'S1'

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  sku: { name: sku }
  properties: {
    displayName: 'CME Referrals'
    endpoint: messagingEndpoint
    msaAppId: botAppId
    msaAppType: botIdentity == 'managedIdentity' ? 'UserAssignedMSI' : 'SingleTenant'
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: botIdentity == 'managedIdentity' ? identityResourceId : null
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output name string = bot.name
