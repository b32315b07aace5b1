// The demo page: loads the sample article and mounts the annotator on it.
import init, { mount } from './pkg/article_annotator.js';

const host = document.getElementById('annotator');
try {
  await init();
  const response = await fetch('sample-article.md');
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
