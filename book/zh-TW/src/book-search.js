// The book's search page (search.html). window.BOOK_SEARCH (searchdata.js, written by
// scripts/book-search-index.py) holds the plain text of every section; a section matches when
// every space-separated term of the query occurs in it. Substring matching needs no word
// segmentation, so Chinese queries such as 臨時埠 work as well as English ones.
(function () {
  const zh = document.documentElement.lang.startsWith("zh");
  const box = document.getElementById("book-search");
  if (!box) return;
  const input = document.createElement("input");
  input.type = "search";
  input.id = "book-search-input";
  input.placeholder = zh ? "輸入要找的詞，例如：臨時埠" : "Search the book, e.g. TIME-WAIT";
  input.style.cssText = "width: 100%; font-size: 1.2em; padding: 0.4em;";
  const status = document.createElement("p");
  status.id = "book-search-status";
  const list = document.createElement("ol");
  list.id = "book-search-results";
  box.append(input, status, list);
  const data = window.BOOK_SEARCH || [];
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  function run(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) {
      status.textContent = data.length ? "" : zh ? "沒有搜尋資料（請用 scripts/build-book.sh 建置）。" : "No search data (build with scripts/build-book.sh).";
      return;
    }
    const hits = [];
    for (const r of data) {
      const text = r.text.toLowerCase();
      const title = r.title.toLowerCase();
      if (!terms.every((t) => text.includes(t) || title.includes(t))) continue;
      let score = 0;
      for (const t of terms) {
        score += text.split(t).length - 1 + 10 * (title.split(t).length - 1);
      }
      hits.push({ r, score, at: text.indexOf(terms[0]) });
    }
    hits.sort((a, b) => b.score - a.score);
    status.textContent = zh ? `找到 ${hits.length} 個段落。` : `${hits.length} sections found.`;
    for (const { r, at } of hits.slice(0, 50)) {
      const li = document.createElement("li");
      li.className = "book-search-result";
      const from = Math.max(0, at - 40);
      let snippet = esc(r.text.slice(from, from + 160));
      for (const t of terms) {
        snippet = snippet.replace(new RegExp(esc(t).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), (m) => `<mark>${m}</mark>`);
      }
      li.innerHTML = `<a href="${esc(r.url)}">${esc(r.title)}</a><br><small>${from ? "…" : ""}${snippet}…</small>`;
      list.append(li);
    }
  }

  input.addEventListener("input", () => run(input.value));
  const q = new URLSearchParams(window.location.search).get("q");
  if (q) {
    input.value = q;
    run(q);
  } else {
    run("");
  }
})();
