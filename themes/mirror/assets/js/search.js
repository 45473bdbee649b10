// Search for the mirror, on the index the build writes (search-index/, see
// tools/internal/search): the query is folded as the build folds text
// (traditional to simplified, full-width to half-width, lower case), split
// into terms (pairs of Han characters, word prefixes), and only the buckets
// of those terms are fetched. No framework, nothing from elsewhere, and
// results are only ever set as text.
(() => {
  const script = document.currentScript, L = script.dataset, base = L.index;
  const $ = (id) => document.getElementById(id);
  const input = $("q"), status = $("search-status"), list = $("results"), more = $("more");
  const filters = [...document.querySelectorAll("select[data-filter]")];
  const PAGE = 10, TITLE = 0x80;
  let meta = null, attrs = null, fold = null, found = [], shown = 0, seq = 0;
  window.searchBytes = 0; // what the page fetched, and how long the last
  window.searchMs = 0; // query took to show its results: for the tests

  const cache = new Map();
  function get(path) {
    if (!cache.has(path)) {
      const p = fetch(base + path + (meta ? "?v=" + meta.gen + "." + meta.build : ""), meta ? {} : { cache: "no-cache" })
        .then(async (r) => {
          if (!r.ok) throw new Error(path + ": " + r.status);
          let b = new Uint8Array(await r.arrayBuffer());
          window.searchBytes += b.length;
          if (b[0] === 0x1f && b[1] === 0x8b) {
            b = new Uint8Array(await new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
          }
          return b;
        });
      p.catch(() => cache.delete(path));
      cache.set(path, p);
    }
    return cache.get(path);
  }
  const text = (b) => new TextDecoder().decode(b);
  const json = async (path) => JSON.parse(text(await get(path)));

  async function load(needFold, needAttrs) {
    if (!meta) {
      const m = await json("meta.json");
      if (m.version !== 2) throw new Error("index version " + m.version);
      meta = m;
      fillFilters();
    }
    if (needAttrs && !attrs) attrs = new DataView((await get("attrs.dat")).buffer);
    if (needFold && !fold) {
      const pairs = [...(await json("fold.json"))];
      fold = new Map();
      for (let i = 0; i + 1 < pairs.length; i += 2) fold.set(pairs[i].codePointAt(0), pairs[i + 1]);
    }
  }

  // As fold in fold.go: one character in, one out.
  const han = /\p{Script=Han}/u, word = /[\p{L}\p{Nd}]/u;
  function foldChar(c) {
    let cp = c.codePointAt(0);
    if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCodePoint(cp - 0xfee0);
    else if (cp === 0x3000) return " ";
    if (fold && fold.has(cp)) return fold.get(cp);
    return [...c.toLowerCase()][0];
  }
  // As QueryTerms in query.go.
  function queryTerms(q) {
    const terms = new Set();
    let prev = null, w = [];
    const flush = () => { if (w.length >= 2) terms.add(w.slice(0, 8).join("")); w = []; };
    for (const c0 of q) {
      const c = foldChar(c0);
      if (han.test(c)) { flush(); if (prev) terms.add(prev + c); prev = c; }
      else if (word.test(c)) { prev = null; w.push(c); }
      else { prev = null; flush(); }
    }
    flush();
    const all = [...terms], n = 12; // at most n, along the query (as query.go)
    return all.length <= n ? all : Array.from({ length: n }, (_, i) => all[Math.floor(i * (all.length - 1) / (n - 1))]);
  }
  function bucketOf(term) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(term)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h % meta.buckets;
  }
  // A term's postings in a bucket (see encodeBucket in format.go).
  function postings(b, want) {
    let i = 0;
    const uv = () => { let x = 0, s = 1, c; do { c = b[i++]; x += (c & 0x7f) * s; s *= 128; } while (c & 0x80 && i < b.length); return x; };
    while (i < b.length) {
      const n = uv(), term = text(b.subarray(i, i + n));
      i += n;
      const count = uv();
      if (term === want) {
        const out = [];
        for (let k = 0, slot = 0; k < count; k++) { slot += uv(); out.push([slot, b[i++]]); }
        return out;
      }
      for (let k = 0; k < count; k++) { uv(); i++; }
    }
    return [];
  }
  const attr = (slot, k) => slot * 8 + 2 * k + 1 < attrs.byteLength ? attrs.getUint16(slot * 8 + 2 * k, true) : 0;
  const yearOf = (days) => days ? new Date(days * 864e5).getUTCFullYear() : 0;

  function fillFilters() {
    const lists = { category: meta.categories, account: meta.accounts, year: [...meta.years].reverse() };
    for (const s of filters) {
      const want = s.value || new URLSearchParams(location.search).get(s.dataset.filter) || "";
      for (const v of lists[s.dataset.filter] || []) s.append(new Option(v, v));
      s.value = want;
    }
  }

  async function run() {
    const q = input.value.trim(), mine = ++seq, t0 = performance.now();
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    filters.forEach((s) => s.value && params.set(s.dataset.filter, s.value));
    history.replaceState(null, "", params.size ? "?" + params : location.pathname);
    list.replaceChildren();
    more.hidden = true;
    if (!q) { status.textContent = ""; return; }
    try {
      await load(han.test(q), true);
      const terms = queryTerms(q);
      if (!terms.length) { status.textContent = L.short; return; }
      const buckets = await Promise.all(terms.map((t) => get("t/" + bucketOf(t).toString(16).padStart(4, "0") + ".dat")));
      if (mine !== seq) return;
      let scores = null;
      terms.forEach((t, k) => {
        const next = new Map();
        for (const [slot, w] of postings(buckets[k], t)) {
          if (scores && !scores.has(slot)) continue;
          next.set(slot, (scores ? scores.get(slot) : 0) + (w & 0x7f) + (w & TITLE ? 100 : 0));
        }
        scores = next;
      });
      const f = Object.fromEntries(filters.map((s) => [s.dataset.filter, s.value]));
      const byDate = f.sort === "date";
      found = [...scores].filter(([slot]) =>
        (!f.category || meta.categories[attr(slot, 1) - 1] === f.category) &&
        (!f.account || meta.accounts[attr(slot, 2) - 1] === f.account) &&
        (!f.status || (meta.statuses || [])[attr(slot, 3) - 1] === f.status) &&
        (!f.year || String(yearOf(attr(slot, 0))) === f.year))
        .map(([slot, score]) => ({ slot, score, days: attr(slot, 0) }))
        .sort((a, b) => (byDate ? 0 : b.score - a.score) || b.days - a.days || a.slot - b.slot);
      shown = 0;
      status.textContent = found.length ? L.found.replace("%d", found.length) : L.none;
      await page(mine, units(q));
      window.searchMs = performance.now() - t0;
    } catch (e) {
      if (mine === seq) status.textContent = L.unavailable;
    }
  }

  // units are what the excerpt marks: the query's Han runs and words, folded.
  function units(q) {
    return [...q].map(foldChar).join("").split(/[^\p{L}\p{Nd}]+|(?<=\P{Script=Han})(?=\p{Script=Han})|(?<=\p{Script=Han})(?=\P{Script=Han})/u)
      .filter((u) => [...u].length >= 2).map((u) => [...u]);
  }

  async function page(mine, marks) {
    const next = found.slice(shown, shown + PAGE);
    const docs = await Promise.all(next.map((r) => json("f/" + Math.floor(r.slot / 1000) + "/" + r.slot + ".dat")));
    if (mine !== seq) return;
    docs.forEach((d) => list.append(item(d, marks)));
    shown += next.length;
    more.hidden = shown >= found.length;
    more.onclick = () => page(seq, marks).catch(() => { status.textContent = L.unavailable; });
  }

  function item(d, marks) {
    const li = document.createElement("li");
    const a = Object.assign(document.createElement("a"), { href: d.u });
    a.append(...marked([...d.t], marks, 0, [...d.t].length));
    const meta = Object.assign(document.createElement("p"), { className: "meta" });
    meta.append(Object.assign(document.createElement("time"), { textContent: d.d || "" }), [d.c, d.a].filter(Boolean).map((s) => " · " + s).join(""));
    const p = document.createElement("p");
    const chars = [...d.x], at = firstHit(chars, marks);
    const from = Math.max(0, at - 30), to = Math.min(chars.length, from + 110);
    p.append(from > 0 ? "…" : "", ...marked(chars, marks, from, to), to < chars.length ? "…" : "");
    li.append(a, meta, p);
    return li;
  }
  function hitAt(chars, i, u) {
    for (let k = 0; k < u.length; k++) if (i + k >= chars.length || foldChar(chars[i + k]) !== u[k]) return false;
    return true;
  }
  function firstHit(chars, marks) {
    for (let i = 0; i < chars.length; i++) if (marks.some((u) => hitAt(chars, i, u))) return i;
    return 0;
  }
  // The characters from..to, as text, the hits in <mark>.
  function marked(chars, marks, from, to) {
    const out = [];
    let plain = "";
    for (let i = from; i < to;) {
      const u = marks.find((u) => hitAt(chars, i, u));
      if (!u) { plain += chars[i++]; continue; }
      out.push(plain, Object.assign(document.createElement("mark"), { textContent: chars.slice(i, i + u.length).join("") }));
      plain = "";
      i += u.length;
    }
    out.push(plain);
    return out;
  }

  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  filters.forEach((s) => s.addEventListener("change", run));
  const initial = new URLSearchParams(location.search);
  if (initial.get("q")) { input.value = initial.get("q"); }
  load(false, false).then(() => initial.get("q") && run()).catch(() => { status.textContent = L.unavailable; });
})();
