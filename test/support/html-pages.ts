import { HtmlValidate } from 'html-validate';
import { parseHtmlDocument, type DomDocument } from '../../src/ingest/article-page/article-page.extractor';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

/** html-validate's messages for a page (its recommended rules), as `line:column rule: message`; empty when valid. */
export async function htmlProblems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((result) => result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

/** A page's document, to query as a browser would (linkedom, as ingestion reads pages). */
export function documentOf(html: string): DomDocument {
  return parseHtmlDocument(html);
}
