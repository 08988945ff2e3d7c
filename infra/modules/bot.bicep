// The Azure Bot registration (UserAssignedMSI: new multi-tenant bots can no longer be created)
// with the Microsoft Teams channel on.
param name string
param identityResourceId string
param identityClientId string
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
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: identityResourceId
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
