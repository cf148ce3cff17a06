/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Login($phone: String!, $password: String!) {\n    login(input: { phone: $phone, password: $password }) {\n      accessToken\n      refreshToken\n      user {\n        id\n        displayName\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      accessToken\n      refreshToken\n      errors {\n        code\n        message\n      }\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  query Me {\n    me {\n      id\n      displayName\n      roles\n      pointsBalance\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Catalogue($first: Int, $after: String) {\n    offers(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          pointsPrice\n          remaining\n          merchant {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.CatalogueDocument,
};
const documents: Documents = {
    "\n  mutation Login($phone: String!, $password: String!) {\n    login(input: { phone: $phone, password: $password }) {\n      accessToken\n      refreshToken\n      user {\n        id\n        displayName\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      accessToken\n      refreshToken\n      errors {\n        code\n        message\n      }\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  query Me {\n    me {\n      id\n      displayName\n      roles\n      pointsBalance\n    }\n  }\n": types.MeDocument,
    "\n  query Catalogue($first: Int, $after: String) {\n    offers(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          pointsPrice\n          remaining\n          merchant {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.CatalogueDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($phone: String!, $password: String!) {\n    login(input: { phone: $phone, password: $password }) {\n      accessToken\n      refreshToken\n      user {\n        id\n        displayName\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($phone: String!, $password: String!) {\n    login(input: { phone: $phone, password: $password }) {\n      accessToken\n      refreshToken\n      user {\n        id\n        displayName\n      }\n      errors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      accessToken\n      refreshToken\n      errors {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      accessToken\n      refreshToken\n      errors {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      displayName\n      roles\n      pointsBalance\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      displayName\n      roles\n      pointsBalance\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalogue($first: Int, $after: String) {\n    offers(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          pointsPrice\n          remaining\n          merchant {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Catalogue($first: Int, $after: String) {\n    offers(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          pointsPrice\n          remaining\n          merchant {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;