/**
 * Reference data the seed and ingest link against: people and outlets we know, with every way
 * they are written (several scripts, short forms), and which outlet published each seed page.
 * This is data about the world, not page content; it lives in catalog.data.json and is checked
 * here on load, so a bad edit fails at start-up instead of producing silent non-matches.
 *
 * The data file is not named catalog.json because Node tries `.json` before `.ts`: under ts-node,
 * `import './catalog'` would load the raw JSON instead of this module.
 *
 * The sample page's outlet is unknown, so its entry says so: `Sample Bengali publisher` at a
 * `.invalid` address (reserved by RFC 2606, it can never point at a real site).
 *
 * An entity's id is its slug: slugs are unique across people and sources together, so one
 * matchEntities call can take both lists.
 */
import { z } from 'zod';
import { normalizeLanguageTag } from '../text/language';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import rawCatalog from './catalog.data.json';

/** Mirrors the values of SourceKind (src/source/source.entity.ts), kept free of the ORM here. */
const SOURCE_KINDS = ['publisher', 'agency', 'broadcaster', 'aggregator', 'blog', 'government', 'other'] as const;
type CatalogSourceKind = (typeof SOURCE_KINDS)[number];

interface CatalogPerson {
  /** Same as slug. */
  id: string;
  slug: string;
  name: string;
  /** One line, English. */
  description: string;
  aliases: string[];
}

interface CatalogSource {
  /** Same as slug. */
  id: string;
  slug: string;
  name: string;
  kind: CatalogSourceKind;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Canonical BCP 47 tag. */
  language: string;
  homepageUrl: string;
  aliases: string[];
}

interface CatalogSeedPage {
  /** File name inside the repository's seeds/ folder. */
  file: string;
  publisherSlug: string;
}

export interface Catalog {
  people: CatalogPerson[];
  sources: CatalogSource[];
  seedPages: CatalogSeedPage[];
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const text = z.string().transform(normalizeText).pipe(z.string().min(1));
const slug = z.string().regex(SLUG, 'slug must be lower-case ASCII words joined by single hyphens');
const aliases = z.array(text);

const personSchema = z.strictObject({ slug, name: text, description: text, aliases });

const sourceSchema = z.strictObject({
  slug,
  name: text,
  kind: z.enum(SOURCE_KINDS),
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code'),
  language: z.string().refine((tag) => normalizeLanguageTag(tag) === tag, 'language must be a canonical BCP 47 tag'),
  homepageUrl: z.string().refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'homepageUrl must be an https URL'),
  aliases,
});

const seedPageSchema = z.strictObject({
  // A bare file name: the seeder joins it to the seeds folder, so no path may escape it.
  file: z.string().regex(/^[^/\\]+$/u).refine((name) => name !== '.' && name !== '..'),
  publisherSlug: slug,
});

const catalogSchema = z
  .strictObject({ people: z.array(personSchema), sources: z.array(sourceSchema), seedPages: z.array(seedPageSchema) })
  .superRefine((catalog, ctx) => {
    const slugs = new Set<string>();
    for (const entry of [...catalog.people, ...catalog.sources]) {
      if (slugs.has(entry.slug)) ctx.addIssue({ code: 'custom', message: `duplicate slug ${entry.slug}` });
      slugs.add(entry.slug);
      const seen = new Set<string>();
      for (const alias of entry.aliases) {
        const key = normalizeForSearch(alias);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `${entry.slug}: duplicate alias ${alias}` });
        seen.add(key);
      }
    }
    const sourceSlugs = new Set(catalog.sources.map((source) => source.slug));
    for (const page of catalog.seedPages) {
      if (!sourceSlugs.has(page.publisherSlug)) {
        ctx.addIssue({ code: 'custom', message: `seed page ${page.file}: unknown publisher ${page.publisherSlug}` });
      }
    }
  });

/** Validates and normalises (NFC, whitespace) catalog data; throws a ZodError listing every problem. */
export function parseCatalog(input: unknown): Catalog {
  const parsed = catalogSchema.parse(input);
  return {
    people: parsed.people.map((person) => ({ id: person.slug, ...person })),
    sources: parsed.sources.map((source) => ({ id: source.slug, ...source })),
    seedPages: parsed.seedPages,
  };
}

let cached: Catalog | undefined;

/** The catalog shipped in catalog.data.json, parsed once. Callers must not mutate it. */
export function loadCatalog(): Catalog {
  cached ??= parseCatalog(rawCatalog);
  return cached;
}
