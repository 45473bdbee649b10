// Search for the mirror: Pagefind's index for full text (it segments
// Chinese), and a small title index matching any substring, which Pagefind
// cannot do inside a Chinese word. No framework, nothing from elsewhere.
(() => {
  const script = document.currentScript;
  const $ = (id) => document.getElementById(id);
  const q = $("q"), status = $("search-status"), titleList = $("title-results"), fullList = $("full-results");
  const filters = [...document.querySelectorAll("select[data-filter]")];
  let titles = null, pagefind = null, seq = 0;

  fetch(script.dataset.titles).then((r) => r.json()).then((t) => { titles = t; run(); }).catch(() => {});
  import(script.dataset.pagefind).then(async (pf) => {
    pagefind = pf;
    await pf.options({ excerptLength: 30 });
    pf.init();
    run();
  }).catch(() => { status.textContent = script.dataset.unavailable; });

  const item = (href, title, date, excerpt) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = href;
    a.textContent = title;
    li.append(a);
    if (date) li.append(" ", Object.assign(document.createElement("time"), { textContent: date }));
    if (excerpt) {
      const p = document.createElement("p");
      // Pagefind's excerpt is escaped text with <mark> around the hits.
      p.innerHTML = excerpt.replace(/<(?!\/?mark>)/g, "&lt;");
      li.append(p);
    }
    return li;
  };
  const show = (list, items) => list.replaceChildren(...(items.length ? items : [item("#", script.dataset.none)]).slice(0, 50));

  async function run() {
    const term = q.value.trim();
    const mine = ++seq;
    const chosen = Object.fromEntries(filters.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]));
    history.replaceState(null, "", term ? "?q=" + encodeURIComponent(term) : location.pathname);
    if (!term) { titleList.replaceChildren(); fullList.replaceChildren(); return; }
    if (titles) {
      const needle = term.toLowerCase();
      show(titleList, titles.filter(([t]) => t.toLowerCase().includes(needle)).map(([t, href, date]) => item(href, t, date)));
    }
    if (pagefind) {
      const search = await pagefind.search(term, { filters: chosen, sort: { date: "desc" } });
      const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
      if (mine !== seq) return;
      show(fullList, data.map((d) => item(d.url, d.meta.title, "", d.excerpt)));
    }
  }
  let timer;
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  filters.forEach((s) => s.addEventListener("change", run));
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) { q.value = initial; run(); }
})();
