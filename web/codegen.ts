import type { CodegenConfig } from '@graphql-codegen/cli'
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset'

// Typed operations from the gateway's committed schema. The persisted-documents manifest
// (hash -> document) feeds the gateway's trusted-documents mode (GRIDPOINTS_TRUSTED_DOCUMENTS).
// urql's document cache adds __typename to every selection set before sending, so the same
// transform runs here: the manifest then holds exactly the documents the app sends.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.vue', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTime: 'string', Upload: 'File' },
      },
    },
  },
}
export default config
