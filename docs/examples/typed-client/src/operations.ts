// The operations this app sends. Each `graphql(...)` call is typed by the generated src/gql/:
// its variables and its result come from schema.graphql.
import { graphql } from "./gql/index.js";

export const Login = graphql(`
  mutation Login($phone: String!, $password: String!) {
    login(input: { phone: $phone, password: $password }) {
      accessToken
      refreshToken
      user {
        id
        displayName
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RefreshSession = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      refreshToken
      errors {
        code
        message
      }
    }
  }
`);

export const Me = graphql(`
  query Me {
    me {
      id
      displayName
      roles
      pointsBalance
    }
  }
`);

export const Catalogue = graphql(`
  query Catalogue($first: Int, $after: String) {
    offers(first: $first, after: $after) {
      edges {
        node {
          id
          title
          pointsPrice
          remaining
          merchant {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
