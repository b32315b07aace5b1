// The standalone annotation page's service worker: it keeps the page, the widget (its JS
// and wasm) and the sample article, so that the page opens again without a connection
// (a reader on a train reloads and keeps working: the annotations are in localStorage,
// the team's pending edits in the sync's outbox beside them).
//
// Network first: with a connection every request goes to the server as if there were no
// worker (a new build is taken at once, and kept); without one, the last copy answers.
// Only GETs of this origin: the team server, the host's own resources and everything
// else are never touched. A CMS that embeds the widget has its own worker, or none; this
// file is one to copy from.
const CACHE = 'article-annotator-page-v1';
const SHELL = ['./', 'index.html', 'demo.js', 'demo.css', 'favicon.svg', 'photo.svg', 'sample-article.md', 'pkg/article_annotator.js', 'pkg/article_annotator_bg.wasm',
  // The formats part (the Markdown reader of the sample article, the file formats).
  'pkg/article_annotator_formats.js', 'pkg/article_annotator_formats_bg.wasm',
  // The glue's scripts in pkg/snippets/ (their folder's name is a hash): written here by
  // scripts/build.sh into dist/sw.js.
  /* snippets */];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The shell, and the pages that registered the worker (fetched before it existed);
    // one that fails is fetched again when next used, and does not stop the rest.
    const pages = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true })).map((c) => c.url.split('#')[0]);
    await Promise.all([...SHELL, ...pages].map((u) => cache.add(new Request(u, { cache: 'reload' })).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((c) => c.put(request, copy)));
      }
      return response;
    } catch (offline) {
      const kept = await caches.match(request);
      if (kept) return kept;
      throw offline;
    }
  })());
});
