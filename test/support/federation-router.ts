import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { parse } from 'graphql';

/**
 * A federation router small enough to read, for tests: the supergraph composed by Apollo's own
 * composition (`@apollo/composition`, what `rover supergraph compose` runs), each operation planned
 * by Apollo's own query planner (`@apollo/query-planner`, what @apollo/gateway runs and the Rust
 * router ports), and the plan's fetches sent over HTTP to the subgraphs, entity references as
 * `_entities(representations:)`, exactly as the planner wrote them. Only the execution of the plan
 * is ours (sequences, parallel branches, flattening, fetches, merging answers into the response);
 * @apollo/gateway would add 100 MB of dependencies for the same requests. It does not shape the
 * response to the client's selection (key fields the planner added stay in it), does not follow
 * @defer, conditions or rewrites (it throws on them), and a subgraph's errors are collected as
 * they come.
 */

export interface SubgraphEndpoint {
  name: string;
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** Its SDL, as its `_service { sdl }` answers. */
  sdl: string;
  headers?: Record<string, string>;
}

type JsonObject = Record<string, unknown>;

export interface RouterResponse {
  data: JsonObject;
  errors: Array<{ message: string; subgraph: string; path?: unknown[]; extensions?: JsonObject }>;
  /** The subgraph requests of the last operation, in order: which subgraph, and the operation text. */
  fetches: Array<{ subgraph: string; operation: string; representations?: unknown[] }>;
}

export class TestRouter {
  private readonly planner: QueryPlanner;
  private readonly supergraph: Supergraph;
  private readonly endpoints: Map<string, SubgraphEndpoint>;

  /** Composes the subgraphs; throws with composition's error messages when they do not compose. */
  constructor(subgraphs: SubgraphEndpoint[]) {
    const composed = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
    if (composed.errors) throw new Error(`composition failed:\n${composed.errors.map((e) => e.message).join('\n')}`);
    this.supergraphSdl = composed.supergraphSdl;
    this.supergraph = Supergraph.build(composed.supergraphSdl);
    this.planner = new QueryPlanner(this.supergraph);
    this.endpoints = new Map(subgraphs.map((subgraph) => [subgraph.name, subgraph]));
  }

  readonly supergraphSdl: string;

  /** The query plan Apollo's planner makes for an operation on the supergraph. */
  plan(query: string): QueryPlan {
    return this.planner.buildQueryPlan(operationFromDocument(this.supergraph.schema, parse(query), { validate: true }));
  }

  async execute(query: string, variables: JsonObject = {}): Promise<RouterResponse> {
    const plan = this.plan(query);
    const response: RouterResponse = { data: {}, errors: [], fetches: [] };
    if (plan.node) {
      if (plan.node.kind === 'Subscription') throw new Error('subscriptions are not routed by this test router');
      await this.run(plan.node, [response.data], variables, response);
    }
    return response;
  }

  private async run(node: PlanNode, targets: JsonObject[], variables: JsonObject, response: RouterResponse): Promise<void> {
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.run(child, targets, variables, response);
        return;
      case 'Parallel':
        await Promise.all(node.nodes.map((child) => this.run(child, targets, variables, response)));
        return;
      case 'Flatten':
        await this.run(node.node, targets.flatMap((target) => objectsAt(target, node.path)), variables, response);
        return;
      case 'Fetch':
        await this.fetch(node, targets, variables, response);
        return;
      default:
        throw new Error(`plan node ${node.kind} is not supported by this test router`);
    }
  }

  private async fetch(node: FetchNode, targets: JsonObject[], variables: JsonObject, response: RouterResponse): Promise<void> {
    if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) {
      throw new Error('fetch rewrites are not supported by this test router');
    }
    const endpoint = this.endpoints.get(node.serviceName);
    if (!endpoint) throw new Error(`no subgraph named ${node.serviceName}`);
    const fetchVariables: JsonObject = {};
    for (const name of node.variableUsages ?? []) if (name in variables) fetchVariables[name] = variables[name];

    // An entity fetch: the objects already in the response that the subgraph must complete, each
    // sent as the planner's `requires` selection of it (its __typename and key fields).
    let entities: JsonObject[] = [];
    if (node.requires) {
      for (const target of targets) {
        const representation = select(target, node.requires);
        if (representation && Object.keys(representation).length > 0) entities.push(target);
      }
      entities = [...new Set(entities)];
      if (entities.length === 0) return;
      fetchVariables.representations = entities.map((entity) => select(entity, node.requires!));
    }
    response.fetches.push({ subgraph: node.serviceName, operation: node.operation, representations: fetchVariables.representations as unknown[] | undefined });

    const http = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...endpoint.headers },
      body: JSON.stringify({ query: node.operation, operationName: node.operationName, variables: fetchVariables }),
    });
    const body = (await http.json()) as { data?: JsonObject | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: JsonObject }> };
    for (const error of body.errors ?? []) response.errors.push({ ...error, subgraph: node.serviceName });
    if (!body.data) return;
    if (node.requires) {
      const answers = (body.data._entities ?? []) as Array<JsonObject | null>;
      entities.forEach((entity, index) => {
        const answer = answers[index];
        if (answer) merge(entity, answer);
      });
    } else {
      for (const target of targets) merge(target, body.data);
    }
  }
}

/** The objects at a plan path from `root`: field names, and `@` for every item of a list. */
function objectsAt(root: unknown, path: readonly (string | number)[]): JsonObject[] {
  if (root === null || root === undefined) return [];
  if (path.length === 0) {
    if (Array.isArray(root)) return root.flatMap((item) => objectsAt(item, path));
    return typeof root === 'object' ? [root as JsonObject] : [];
  }
  const [head, ...rest] = path;
  if (head === '@') return Array.isArray(root) ? root.flatMap((item) => objectsAt(item, rest)) : [];
  if (typeof root !== 'object' || Array.isArray(root)) return [];
  return objectsAt((root as JsonObject)[String(head)], rest);
}

/** `object` cut down to a selection (the planner's `requires`); null when no fragment applies. */
function select(object: JsonObject, selections: readonly QueryPlanSelectionNode[]): JsonObject | null {
  const picked: JsonObject = {};
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && object.__typename !== selection.typeCondition) continue;
      Object.assign(picked, select(object, selection.selections));
      continue;
    }
    const name = selection.alias ?? selection.name;
    const value = object[name];
    if (value === undefined) continue;
    if (selection.selections && value !== null && typeof value === 'object') {
      picked[name] = Array.isArray(value)
        ? (value as unknown[]).map((item) => (item && typeof item === 'object' ? select(item as JsonObject, selection.selections!) : item))
        : select(value as JsonObject, selection.selections);
    } else {
      picked[name] = value;
    }
  }
  return picked;
}

/** Merges a subgraph's answer into the response object it completes, objects and lists item by item. */
function merge(target: JsonObject, source: JsonObject): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      (value as unknown[]).forEach((item, index) => {
        const current: unknown = existing[index];
        if (current && item && typeof current === 'object' && typeof item === 'object') merge(current as JsonObject, item as JsonObject);
        else existing[index] = item;
      });
    } else if (existing && value && typeof existing === 'object' && typeof value === 'object' && !Array.isArray(existing)) {
      merge(existing as JsonObject, value as JsonObject);
    } else {
      target[key] = value;
    }
  }
}
