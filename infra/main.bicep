// CME Referrals: everything the bot needs in one resource group, reached with a user-assigned
// managed identity (no keys in app settings; a SingleTenant bot's secret stays in Key Vault). Deploy:
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.parameters.json
// See the README's deployment section for the steps before and after.
targetScope = 'resourceGroup'

@description('How the bot signs in to Teams. singleTenantApp: a SingleTenant Azure Bot on a multi-tenant Entra app registration (create it first: README), its secret in Key Vault: for a council whose schools are in their own tenants. managedIdentity: the user-assigned managed identity: only when every user is in the council\'s tenant.')
@allowed([
  'singleTenantApp'
  'managedIdentity'
])
param botIdentity string = 'singleTenantApp'

@description('With singleTenantApp: the Entra app registration\'s application (client) id, a GUID (az ad app create --sign-in-audience AzureADMultipleOrgs). Shipped empty, which the deployment refuses: no placeholder that would deploy a bot nobody can reach. With managedIdentity it is not used (give any GUID).')
@minLength(36)
@maxLength(36)
param botAppId string

@description('With singleTenantApp: the Key Vault secret holding the app registration\'s client secret.')
param botAppSecretName string = 'bot-app-secret'

@description('Short name the resources are named after.')
@minLength(3)
@maxLength(16)
param baseName string = 'cme-referrals'

@description('Azure region for everything but the bot registration (which is global).')
param location string = resourceGroup().location

@description('Entra tenant ids whose users may use the bot, comma-separated: the council\'s and each school\'s that should refer.')
param allowedTenantIds string

@description('Entra object ids or user principal names of CME managers, comma-separated.')
param managerIds string = ''

@description('The council\'s named person responsible for CME (s436A): shown to every referrer.')
param cmeContactName string

@description('Their phone number.')
param cmeContactPhone string

@description('Their e-mail address.')
param cmeContactEmail string

@description('The attendance service an on-roll absent pupil (PME) is sent to: name and how to reach it.')
param attendanceServiceContact string

@description('The elective home education team a written notice of home education is sent to: name and how to reach it.')
param eheTeamContact string

@description('Cosmos DB capacity: serverless (pay per request, the default) or autoscale provisioned throughput.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosCapacity string = 'serverless'

@description('With autoscale: the most RU/s the database may scale to.')
param cosmosAutoscaleMaxThroughput int = 1000

@description('App Service plan size (B1 or larger: the bot needs Always On).')
param appServiceSku string = 'B1'

@description('The Node.js LTS the App Service runs.')
param nodeVersion string = 'NODE|22-lts'

var suffix = uniqueString(resourceGroup().id)
var keyVaultName = take('kv-${baseName}-${suffix}', 24)
// The bot's app id: the Entra app registration's, or the managed identity's.
var appId = botIdentity == 'managedIdentity' ? identity.outputs.clientId : botAppId

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${baseName}-id'
    location: location
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    baseName: baseName
    location: location
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: toLower('${baseName}-${suffix}')
    location: location
    capacity: cosmosCapacity
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    dataContributorPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: keyVaultName
    location: location
    secretsUserPrincipalId: identity.outputs.principalId
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    name: '${baseName}-${suffix}'
    location: location
    sku: appServiceSku
    nodeVersion: nodeVersion
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    botIdentity: botIdentity
    botAppId: appId
    botAppSecretReference: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${botAppSecretName})'
    cosmosEndpoint: cosmos.outputs.endpoint
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    allowedTenantIds: allowedTenantIds
    managerIds: managerIds
    cmeContactName: cmeContactName
    cmeContactPhone: cmeContactPhone
    cmeContactEmail: cmeContactEmail
    attendanceServiceContact: attendanceServiceContact
    eheTeamContact: eheTeamContact
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${baseName}-${suffix}'
    identityResourceId: identity.outputs.resourceId
    botIdentity: botIdentity
    botAppId: appId
    messagingEndpoint: 'https://${app.outputs.defaultHostName}/api/messages'
  }
}

@description('The bot\'s app id (the Entra app registration\'s, or the managed identity\'s client id): MICROSOFT_APP_ID for npm run package.')
output botAppId string = appId

@description('The bot\'s host name: BOT_DOMAIN for npm run package.')
output botDomain string = app.outputs.defaultHostName

@description('The App Service to deploy the code to.')
output appServiceName string = app.outputs.name

@description('The Cosmos DB endpoint the bot uses (with its managed identity).')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('The Key Vault for secrets the council adds (referenced from app settings as @Microsoft.KeyVault(...)).')
output keyVaultName string = keyVault.outputs.name

@description('The Azure Bot resource (its Teams channel is on).')
output botName string = bot.outputs.name

// The same values under the names the Microsoft 365 Agents Toolkit writes to its env file
// (m365agents.yml), which `npm run package` reads.
output MICROSOFT_APP_ID string = appId
output BOT_DOMAIN string = app.outputs.defaultHostName
output APP_SERVICE_RESOURCE_ID string = app.outputs.resourceId
