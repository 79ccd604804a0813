export { sanitizeHtml } from './sanitize-html';
export { sanitizeHtmlToParagraphs, htmlToText } from './paragraphs';
export { safeUrl, absoluteHttpUrl } from './url';
