// graphql-codegen's client-preset over the gateway's committed SDL. `npm run codegen` (and
// `npm test`) rewrites src/gql/ and persisted-documents.json (the GRIDPOINTS_TRUSTED_DOCUMENTS
// manifest); `npm run check-generated` fails when the committed copy is out of date.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../../schema.graphql",
  documents: ["src/operations.ts"],
  emitLegacyCommonJSImports: false, // ".js" in imports, as Node's ES modules need
  generates: {
    "src/gql/": {
      preset: "client",
      config: { useTypeImports: true, enumsAsTypes: true, onlyOperationTypes: true },
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
    },
  },
};

export default config;
