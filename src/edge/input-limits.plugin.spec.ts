import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getNamedType, GraphQLID, GraphQLString, isInputObjectType, isInterfaceType, isObjectType, parse, type GraphQLInputType } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { INPUT_KIND_BY_NAME, INPUT_LIMITS, MAX_LIST_ITEMS } from '../common/input-limits';
import { InputLimits } from './input-limits.plugin';
import { gatewaySchema } from '../api/schema';

/** Every argument and input field of the schema that carries text (String, ID, DateTime), as `Type.field(arg)` or `Input.field`. */
function textInputs(): Array<{ coordinate: string; name: string; type: GraphQLInputType; description: string }> {
  const schema = gatewaySchema();
  const found: Array<{ coordinate: string; name: string; type: GraphQLInputType; description: string }> = [];
  const carriesText = (type: GraphQLInputType) => [GraphQLString, GraphQLID, GraphQLDateTime].some((scalar) => getNamedType(type).name === scalar.name);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (carriesText(field.type)) found.push({ coordinate: `${type.name}.${field.name}`, name: field.name, type: field.type, description: field.description ?? '' });
      }
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          if (carriesText(arg.type)) found.push({ coordinate: `${type.name}.${field.name}(${arg.name}:)`, name: arg.name, type: arg.type, description: arg.description ?? '' });
        }
      }
    }
  }
  return found;
}

describe('input limits cover the whole schema', () => {
  const inputs = textInputs();

  it('finds the arguments that carry text (the enumeration below is not vacuous)', () => {
    const coordinates = inputs.map((input) => input.coordinate);
    expect(coordinates).toEqual(expect.arrayContaining(['Query.people(search:)', 'ArticleFilter.search', 'AddSourceInput.feedUrls', 'Query.latestFeed(after:)', 'Mutation.revokeApiKey(id:)']));
    expect(inputs.length).toBeGreaterThan(40);
  });

  it('gives every String, ID and DateTime argument and input field a kind, so none falls back to the catch-all', () => {
    const unlisted = inputs.filter((input) => !(input.name in INPUT_KIND_BY_NAME)).map((input) => input.coordinate);
    // A new argument lands here: give its name a kind in INPUT_KIND_BY_NAME (and README.md's table).
    expect(unlisted).toEqual([]);
  });

  it('states each String and ID limit in the schema description', () => {
    for (const input of inputs) {
      if (getNamedType(input.type) === GraphQLDateTime) continue;
      const { maxLength } = INPUT_LIMITS[INPUT_KIND_BY_NAME[input.name]!];
      expect(`${input.coordinate}: ${input.description}`).toMatch(new RegExp(`(At|Each at) most ${maxLength} characters\\.$`));
    }
  });

  it('is documented in README.md: every kind with its limit, and every argument name', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Input limits'));
    expect(section.length).toBeGreaterThan(0);
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| kind')));
    for (const [kind, { maxLength }] of Object.entries(INPUT_LIMITS)) {
      expect(table).toMatch(new RegExp(`\\| ${kind} \\| ${maxLength} \\|`));
    }
    for (const name of Object.keys(INPUT_KIND_BY_NAME)) expect(table).toContain(`\`${name}\``);
    expect(section).toContain(String(MAX_LIST_ITEMS));
  });
});

describe('InputLimits.check', () => {
  const limits = new InputLimits(gatewaySchema());
  const check = (query: string, variables?: Record<string, unknown>) => limits.check(parse(query), variables);
  const long = (n: number, char = 'x') => char.repeat(n);

  it('refuses a long literal, naming the argument, the field and the limit', () => {
    const error = check(`{ people(search: "${long(201)}") { totalCount } }`);
    expect(error?.message).toBe('"search" of Query.people is too long: a search may be at most 200 characters.');
    expect(error?.details).toEqual({ argument: 'search', maxLength: 200, field: 'Query.people' });
    expect(check(`{ people(search: "${long(200)}") { totalCount } }`)).toBeNull();
  });

  it('refuses a long variable, nested in an input object or a list, and a long default value', () => {
    const articles = 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }';
    expect(check(articles, { f: { search: long(201) } })?.details).toMatchObject({ argument: 'filter.search', maxLength: 200 });
    expect(check(articles, { f: { personIds: ['a', long(129)] } })?.details).toMatchObject({ argument: 'filter.personIds', maxLength: 128 });
    expect(check(articles, { f: { personIds: Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'a') } })?.details).toMatchObject({ maxItems: MAX_LIST_ITEMS });
    expect(check(articles, { f: { search: 'পুতিন', personIds: ['a'] } })).toBeNull();
    expect(check(`query($s: String = "${long(300)}") { people(search: $s) { totalCount } }`)?.details).toMatchObject({ argument: 'search' });
    // A variable inside a literal object, in a fragment.
    expect(check('query($q: String) { ...F } fragment F on Query { articles(filter: { search: $q }) { totalCount } }', { q: long(201) })?.details).toMatchObject({ argument: 'filter.search' });
    expect(check('mutation($input: AddSourceInput!) { addSource(input: $input) { id } }', { input: { feedUrls: [`https://x.example/${long(2048)}`] } })?.details).toMatchObject({
      argument: 'input.feedUrls',
      maxLength: 2048,
    });
  });

  it('counts characters, not UTF-16 units: 200 emoji or Bengali letters are a 200-character search', () => {
    expect(check('query($s: String) { people(search: $s) { totalCount } }', { s: long(200, '😀') })).toBeNull();
    expect(check('query($s: String) { people(search: $s) { totalCount } }', { s: long(201, 'ক') })).not.toBeNull();
  });

  it('bounds what has no kind too: an Int or an enum sent as a long string', () => {
    expect(check('query($n: Int) { people(first: $n) { totalCount } }', { n: long(101) })?.details).toMatchObject({ argument: 'first', maxLength: 100 });
  });
});
