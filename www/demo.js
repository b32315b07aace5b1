// The demo page: loads the sample article and mounts the annotator on it.
import init, { mount, loadFormats } from './pkg/article_annotator.js';

const host = document.getElementById('annotator');
// The page opens again without a connection (sw.js: network first, the last copy when
// offline). Not for the CMS page: a host's own worker is its business.
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('sw.js').catch((e) => console.warn('offline copy unavailable:', e));
}
try {
  await init();
  // The sample is Markdown, read by the formats part (fetched beside the article).
  const [response] = await Promise.all([fetch('sample-article.md'), loadFormats()]);
  if (!response.ok) throw new Error(`sample-article.md: HTTP ${response.status}`);
  const content = await response.text();
  window.annotator = mount(host, {
    documentId: 'moscow-times-2014-08-18',
    article: { format: 'markdown', content },
  });
} catch (e) {
  host.textContent = `The annotator could not start: ${e.message || e}`;
  host.classList.add('aa-failed');
  console.error(e);
}
