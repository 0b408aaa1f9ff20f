// "Open it here": each <div class="portlife-app" data-sample="…" data-tour="…"> of a chapter
// becomes a button that loads portlife's web app (book/build/app/, built by
// scripts/build-web.sh) on that sample, with the chapter's guided tour when it has one, in a
// frame on the page, in the book's language. The app and the samples come from the book's own
// folder, nothing from anywhere else. A page opened with ?open-app opens its first one at once.
document.addEventListener("DOMContentLoaded", () => {
  const boxes = document.querySelectorAll("div.portlife-app");
  if (boxes.length === 0) return;
  const zh = document.documentElement.lang.startsWith("zh");
  const root = typeof path_to_root === "string" ? path_to_root : "";
  // The Chinese book is built inside the English one (book/build/zh-TW/): one app for both.
  const app = root + (zh ? "../app/" : "app/");
  const openNow = new URLSearchParams(location.search).has("open-app");
  const say = (en, zhText) => (zh ? zhText : en);
  // The app wants room: the frame spans the whole page beside the sidebar, wider than the
  // text column, centred on it (mdBook centres the column in the space the sidebar leaves).
  const style = document.createElement("style");
  style.textContent = `
    .portlife-frame { display: block; position: relative; left: 50%; transform: translateX(-50%);
      width: calc(100vw - 48px); max-width: 1600px; height: min(85vh, 780px);
      border: 1px solid #bbb; border-radius: 4px; margin: 0.5em 0; z-index: 10; }
    @media only screen and (min-width: 620px) {
      html.sidebar-visible .portlife-frame {
        width: calc(100vw - var(--sidebar-width) - var(--sidebar-resize-indicator-width) - 64px); }
    }`;
  document.head.append(style);
  fetch(app + "index.html", { method: "HEAD" })
    .then((r) => r.ok)
    .catch(() => false)
    .then((built) => {
      boxes.forEach((box, i) => {
        const sample = box.dataset.sample;
        const tour = box.dataset.tour;
        const query = new URLSearchParams({ sample, lang: zh ? "zh-TW" : "en" });
        if (tour) query.set("tour", tour);
        const src = app + "index.html?" + query.toString();
        box.classList.add("portlife-app-ready");
        if (!built) {
          const note = document.createElement("p");
          note.className = "portlife-app-missing";
          note.textContent = say(
            `This book was built without portlife's web app: open ${sample} with the desktop app (portlife samples/${sample}).`,
            `這本書建置時沒有包含 portlife 的網頁版：請用桌面版開啟 ${sample}（portlife samples/${sample}）。`
          );
          box.append(note);
          return;
        }
        const button = document.createElement("button");
        button.className = "portlife-open";
        button.textContent = tour
          ? say(`▶ Open ${sample} here, with the chapter's guided tour`, `▶ 在這裡開啟 ${sample}，跟著本章導覽`)
          : say(`▶ Open ${sample} here`, `▶ 在這裡開啟 ${sample}`);
        const tab = document.createElement("a");
        tab.href = src;
        tab.target = "_blank";
        tab.rel = "noopener";
        tab.textContent = say("or in a new tab", "或在新分頁開啟");
        const open = () => {
          const frame = document.createElement("iframe");
          frame.src = src;
          frame.className = "portlife-frame";
          frame.title = say(`portlife on ${sample}`, `portlife：${sample}`);
          frame.setAttribute("allow", "fullscreen");
          button.replaceWith(frame);
          frame.focus();
        };
        button.addEventListener("click", open);
        box.append(button, " ", tab);
        if (openNow && i === 0) open();
      });
    });
});
