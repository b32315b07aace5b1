// The host page's own script on the CMS demo: it listens to the annotators' events (as a
// newsroom's fact-check desk would) and records CSP violations for the tests. Strings
// from events are shown with textContent only.
window.hostEvents = [];
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});

// `?server=<team server URL>#token=<token>` (the token in the fragment, which is never
// sent to a server): every widget on the page works as a team through that server
// (scripts/team-server.sh prints both). Set before the widgets start.
const server = new URLSearchParams(location.search).get('server');
const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (server) {
  for (const el of document.querySelectorAll('article-annotator')) {
    el.setAttribute('server', server);
    if (token) el.token = token;
  }
}

const log = document.getElementById('desk-log');
const TYPES = ['annotation-create', 'annotation-update', 'annotation-delete', 'annotations-change'];
for (const el of document.querySelectorAll('article-annotator')) {
  for (const type of TYPES) {
    el.addEventListener(type, (e) => {
      window.hostEvents.push({ type, widget: el.id, detail: e.detail });
      if (type === 'annotations-change' || !log) return;
      const body = e.detail && e.detail.body;
      const purpose = Array.isArray(body) ? body.map((b) => b.value || b.purpose).filter(Boolean).join(', ') : '';
      const exact = (e.detail.target?.selector || []).find?.((s) => s.type === 'TextQuoteSelector')?.exact || '';
      const li = document.createElement('li');
      li.textContent = `${type.replace('annotation-', '')}: “${exact}”${purpose ? ` (${purpose})` : ''}`;
      log.prepend(li);
      while (log.children.length > 8) log.lastChild.remove();
    });
  }
}
