export { sanitizeHtml, absolutizeHtmlUrls } from './sanitize-html';
export { sanitizeHtmlToParagraphs, htmlToText } from './paragraphs';
export { safeUrl, absoluteHttpUrl, cleanUrlText } from './url';
