// App Service on Linux running the bot (npm start), HTTPS only, with the managed identity.
// The bot signs in to Teams as the managed identity, or as a SingleTenant Entra app (botIdentity).
// The app settings are the bot's configuration for Azure mode (README: configuration table).
param name string
param location string
param sku string
param nodeVersion string
param identityResourceId string
param identityClientId string
@allowed([
  'singleTenantApp'
  'managedIdentity'
])
param botIdentity string
param botAppId string
@description('The Key Vault reference to the app registration\'s client secret (singleTenantApp).')
param botAppSecretReference string
param cosmosEndpoint string
param appInsightsConnectionString string
param allowedTenantIds string
param managerIds string
param cmeContactName string
param cmeContactPhone string
param cmeContactEmail string
param attendanceServiceContact string
param eheTeamContact string
param logAnalyticsWorkspaceId string

// A SingleTenant bot's secret is a Key Vault reference, resolved by App Service with the identity.
var botSettings = botIdentity == 'managedIdentity'
  ? [
      { name: 'MICROSOFT_APP_ID', value: botAppId }
      { name: 'MICROSOFT_APP_TYPE', value: 'UserAssignedMSI' }
    ]
  : [
      { name: 'MICROSOFT_APP_ID', value: botAppId }
      { name: 'MICROSOFT_APP_TYPE', value: 'SingleTenant' }
      { name: 'MICROSOFT_APP_PASSWORD', value: botAppSecretReference }
    ]

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: { name: sku }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityResourceId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      linuxFxVersion: nodeVersion
      appCommandLine: 'npm start'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: concat(botSettings, [
        { name: 'MICROSOFT_APP_TENANT_ID', value: tenant().tenantId }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'ALLOWED_TENANT_IDS', value: allowedTenantIds }
        { name: 'CME_MANAGER_IDS', value: managerIds }
        { name: 'CME_CONTACT_NAME', value: cmeContactName }
        { name: 'CME_CONTACT_PHONE', value: cmeContactPhone }
        { name: 'CME_CONTACT_EMAIL', value: cmeContactEmail }
        { name: 'ATTENDANCE_SERVICE_CONTACT', value: attendanceServiceContact }
        { name: 'EHE_TEAM_CONTACT', value: eheTeamContact }
        { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ])
    }
  }
}

// The bot's JSON log lines (stdout) into Log Analytics beside Application Insights.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: site
  name: 'console-logs'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output resourceId string = site.id
