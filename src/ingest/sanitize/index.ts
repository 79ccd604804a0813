/** HTML sanitising for feed and page bodies: safe markup, paragraphs and URLs. */
export { sanitizeHtml } from './sanitize-html';
export { sanitizeHtmlToParagraphs, htmlToText } from './paragraphs';
export { safeUrl, absoluteHttpUrl } from './url';
