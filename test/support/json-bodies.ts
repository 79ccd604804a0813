/** Bodies of the gateway's JSON answers other than GraphQL data, with the fields tests read. */

/** An error answer: every HTTP error the gateway writes has GraphQL's shape. */
export interface ErrorBody {
  errors: Array<{ message: string; extensions: { code: string } & Record<string, unknown> }>;
}

/** A JSON Feed document (/feeds/*.json). */
export interface JsonFeedBody {
  title: string;
  items: Array<{ id: string; title: string; url?: string; date_published?: string } & Record<string, unknown>>;
}
