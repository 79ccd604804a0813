import { buildClientSchema, getIntrospectionQuery, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { gatewaySchema } from '../../src/api/schema';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { expectNoLeak, ok } from './helpers';

/**
 * `GET /healthz` and `GET /readyz`, and a description on every type,
 * field, argument, enum value and input field of the running schema (read by introspection over
 * HTTP, and from gatewaySchema() directly).
 */
describe('health and schema', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
  });
  afterAll(() => app?.close());

  it('GET /healthz answers 200 while the process is up', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual(expect.objectContaining({ status: 'ok' }));
  });

  it('GET /readyz answers 200 when the database is reachable', async () => {
    const res = await fetch(`${app.url}/readyz`);
    const raw = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(raw)).toEqual(expect.objectContaining({ status: 'ok' }));
    expectNoLeak(raw);
  });

  /** Every schema element without a description, as `Type.field(arg)` paths. */
  function undescribed(schema: GraphQLSchema): string[] {
    const missing: string[] = [];
    const check = (path: string, description: string | null | undefined) => {
      if (!description || description.trim() === '') missing.push(path);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
      }
    }
    return missing;
  }

  it('describes every type, field, argument, enum value and input field (introspection over HTTP)', async () => {
    const data = ok(await app.gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })));
    const schema = buildClientSchema(data as IntrospectionQuery);
    // The read API's types and root fields are there, whatever else the schema holds.
    for (const name of ['Query', 'Node', 'Article', 'Source', 'Person', 'FeedItem', 'Mention', 'PageInfo', 'ArticleFilter', 'ArticleOrder', 'PersonRole', 'SourceKind']) {
      expect(schema.getType(name)).toBeDefined();
    }
    const query = schema.getQueryType()!.getFields();
    for (const name of ['article', 'articles', 'latestFeed', 'source', 'sources', 'person', 'people', 'node']) expect(query[name]).toBeDefined();
    expect(undescribed(schema)).toEqual([]);
  });

  it('describes everything in gatewaySchema() as well', () => {
    expect(undescribed(gatewaySchema())).toEqual([]);
  });
});
