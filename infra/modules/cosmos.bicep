// Cosmos DB for NoSQL: the database and the containers the code expects (from
// ../cosmos-containers.json, which a test keeps equal to bot/store/containers.ts), account keys
// switched off, and the bot's identity given the built-in data contributor role.
param accountName string
param location string
@allowed([
  'serverless'
  'autoscale'
])
param capacity string
param autoscaleMaxThroughput int
param dataContributorPrincipalId string
param databaseName string = 'cme'

var containers = loadJsonContent('../cosmos-containers.json')

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: capacity == 'serverless' ? [ { name: 'EnableServerless' } ] : []
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: capacity == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: {
        id: container.id
        partitionKey: {
          paths: container.partitionKey.paths
          kind: 'Hash'
        }
        indexingPolicy: container.indexingPolicy
      }
    }
  }
]

// Cosmos DB Built-in Data Contributor: read and write items, nothing on the account itself.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  // One change at a time on an account: after the containers.
  dependsOn: [sqlContainers]
  name: guid(account.id, dataContributorPrincipalId, 'data-contributor')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: dataContributorPrincipalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
