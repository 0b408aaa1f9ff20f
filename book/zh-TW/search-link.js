// Adds a link to the Pagefind search page (search.html) to the menu bar of every page.
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector(".right-buttons");
  if (!bar) return;
  const zh = document.documentElement.lang.startsWith("zh");
  const a = document.createElement("a");
  a.href = (typeof path_to_root === "string" ? path_to_root : "") + "search.html";
  a.className = "pagefind-link";
  a.title = zh ? "搜尋（支援中文）" : "Search (also finds Chinese words)";
  a.setAttribute("aria-label", a.title);
  a.textContent = zh ? "搜尋" : "Search";
  a.style.cssText = "margin: 0 0.6em; font-size: 1.4rem; text-decoration: none;";
  bar.prepend(a);
});
