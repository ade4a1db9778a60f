// Inbound mail HTML for display. Stricter about fetching than about layout: no scripts, no style sheets,
// no event handlers, no forms or frames; remote images are blocked (data-remote-src) until an agent
// allows them; cid: images stay for the apply stage to map to attachment URLs.
import sanitizeHtml from 'sanitize-html';

const COLOR = /^(?!.*url)(#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\(\s*[\d\s,.%]+\))$/i;
const LENGTH = /^-?[\d.]+(px|pt|em|rem|%)?$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'a', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'tt',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'col', 'colgroup', 'hr',
    'span', 'div', 'img', 'font', 'center', 'small', 'big', 'sub', 'sup', 'dl', 'dt', 'dd', 'abbr', 'cite', 'q', 'del', 'ins', 'mark'],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'data-remote-src', 'alt', 'width', 'height', 'title'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'align'],
    font: ['color', 'size'],
    div: ['data-slovo-quoted', 'align', 'dir', 'style'],
    '*': ['style', 'dir', 'align'],
  },
  allowedStyles: {
    '*': {
      color: [COLOR], 'background-color': [COLOR], 'text-align': [/^(left|right|center|justify)$/i],
      'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i], 'font-style': [/^(normal|italic|oblique)$/i],
      'text-decoration': [/^(none|underline|line-through|overline)$/i], 'font-size': [LENGTH],
      'font-family': [/^[\w\s,'"-]{1,200}$/], margin: [/^[\d.\sa-z%-]{1,40}$/i], padding: [/^[\d.\sa-z%-]{1,40}$/i],
      'border-left': [/^(?!.*url)[\w\s#.,()%-]{1,60}$/i], width: [LENGTH], 'white-space': [/^(normal|pre|pre-wrap|pre-line|nowrap)$/],
    },
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'template', 'select', 'object', 'iframe', 'svg', 'math'],
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
    img: (tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      const out: Record<string, string> = { alt: attribs.alt ?? '' };
      if (/^cid:/i.test(src)) out.src = src;
      else if (/^https?:\/\/[^\s"'<>]+$/i.test(src)) out['data-remote-src'] = src;
      for (const k of ['width', 'height', 'title']) if (attribs[k]) out[k] = attribs[k];
      return { tagName, attribs: out };
    },
  },
};

export const sanitizeMailHtml = (html: string) => sanitizeHtml(html, OPTIONS);
