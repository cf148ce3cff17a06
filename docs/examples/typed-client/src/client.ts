// A small typed client for the GridPoints gateway: fetch, the Authorization header, a
// refresh on TOKEN_EXPIRED or TOKEN_INVALID (HTTP 401), and documents sent either as text or,
// for a gateway in trusted-documents mode, by their hash (`documentId`).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import { RefreshSession } from "./operations.js";

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorShape[],
  ) {
    super(errors.map((error) => `${error.extensions?.code}: ${error.message}`).join("; "));
  }

  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? "UNKNOWN");
  }
}

interface Options {
  /** Send `documentId` instead of the text (the manifest is persisted-documents.json). */
  persisted?: boolean;
  fetch?: typeof fetch;
}

type WithHash = { __meta__?: { hash?: string } };

export class GridPointsClient {
  session: Session | null = null;
  private readonly send: typeof fetch;

  constructor(
    readonly url: string,
    private readonly options: Options = {},
  ) {
    this.send = options.fetch ?? fetch;
  }

  /** Run one operation; its variables and result are typed by the document. */
  async request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    try {
      return await this.once(document, variables, this.session?.accessToken);
    } catch (error) {
      if (!(error instanceof GraphQLRequestError) || error.status !== 401 || !this.session) {
        throw error;
      }
      await this.refresh(); // the access token expired: rotate the session, then retry once
      return await this.once(document, variables, this.session?.accessToken);
    }
  }

  private async refresh(): Promise<void> {
    const refreshToken = this.session?.refreshToken ?? "";
    this.session = null; // never send the stale access token with the refresh
    const { refreshToken: renewed } = await this.once(RefreshSession, { refreshToken }, undefined);
    if (renewed.errors.length > 0 || !renewed.accessToken || !renewed.refreshToken) {
      throw new Error(`logged out: ${renewed.errors.map((e) => e.code).join(", ")}`);
    }
    this.session = { accessToken: renewed.accessToken, refreshToken: renewed.refreshToken };
  }

  private async once<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    token: string | undefined,
  ): Promise<Result> {
    const hash = (document as WithHash).__meta__?.hash;
    const body =
      this.options.persisted && hash
        ? { documentId: `sha256:${hash}`, variables }
        : { query: print(document), variables };
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await this.send(this.url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const payload = (await response.json()) as { data?: Result | null; errors?: GraphQLErrorShape[] };
    if (payload.errors?.length || payload.data == null) {
      throw new GraphQLRequestError(response.status, payload.errors ?? []);
    }
    return payload.data;
  }
}
