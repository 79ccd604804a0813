import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface OperationResult<TData> {
  status: number;
  /** The answer's `Connection` header, lower-cased ('' when absent). */
  connection: string;
  body: { data?: TData | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs a generated operation to a GraphQL endpoint (`url`) and reads its JSON answer, typed. */
export async function postOperation<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<OperationResult<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, connection: (response.headers.get('connection') ?? '').toLowerCase(), body: (await response.json()) as OperationResult<TData>['body'] };
}
