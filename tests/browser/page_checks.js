// What tests/browser/test_every_page.py checks on every rendered page, in one pass. Returns one
// line per finding (none = all good). Arguments:
//   english: the page is in English (no Chinese outside user data; money keeps its unit 万 in
//            both languages, by design);
//   width:   the device's width (a mobile viewport grows to fit wide content, so innerWidth
//            cannot tell);
//   phone:   also check touch target sizes and that text inputs do not make phones zoom in;
//   data:    the user data shown (names, titles), which is English in both languages.
(body, { english, width, phone, data }) => {
  const problems = [];
  const say = (line) => problems.push(line);
  const describe = (node) => {
    const classes = typeof node.className === "string" && node.className.trim()
      ? "." + node.className.trim().split(/\s+/).join(".") : "";
    const name = node.getAttribute?.("name") ? `[name=${node.getAttribute("name")}]` : "";
    return node.tagName.toLowerCase() + classes + name;
  };
  const shown = (node) => node.getClientRects().length > 0
    && getComputedStyle(node).visibility !== "hidden";
  const text = (node) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();
  const short = (value) => value.slice(0, 80);
  const cjk = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
  const money = /[¥￥]\s?-?[\d,.]+万/g;
  const isData = (value) => data.some((item) => value.includes(item));
  // Stored values shown as they are (field names, digests) are marked as not to be translated.
  const verbatim = (node) => node.closest("code, kbd, samp, pre, [translate=no]") !== null;

  // Renders: a heading, no error.
  const title = document.querySelector("#view .page-title");
  if (!title || !shown(title) || !text(title)) say("no visible .page-title");
  for (const error of document.querySelectorAll("#view .notice--error")) {
    if (shown(error)) say(`error shown: ${short(text(error))}`);
  }

  // Fits the width.
  if (document.documentElement.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].filter((node) => {
      const box = node.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) return false;
      for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") return false;
      }
      return true;
    });
    const where = wide.slice(-6).map((node) =>
      `${describe(node)} (right ${Math.round(node.getBoundingClientRect().right)})`);
    say(`horizontal overflow ${document.documentElement.scrollWidth} > ${width}: ${where.join(", ")}`);
  }
  // Text cut off by a box that hides its overflow (scrolling boxes and hidden labels are fine).
  for (const node of document.querySelectorAll("#view *, .site-header *")) {
    const style = getComputedStyle(node);
    if (!["hidden", "clip"].includes(style.overflowX) || !shown(node)) continue;
    if (node.clientWidth <= 1 || style.position === "absolute") continue;
    if (node.scrollWidth > node.clientWidth + 1 && text(node)) {
      say(`text cut off: ${describe(node)} ${node.scrollWidth} > ${node.clientWidth}: ${short(text(node))}`);
    }
  }

  // Names: controls, links, pictures; unique ids for the labels to point at.
  const nameOf = (node) => {
    let name = "";
    const labelledBy = node.getAttribute("aria-labelledby");
    if (labelledBy) {
      name = labelledBy.split(/\s+/).map((id) => text(document.getElementById(id))).join(" ").trim();
    }
    name ||= (node.getAttribute("aria-label") ?? "").trim();
    name ||= [...(node.labels ?? [])].map(text).join(" ").trim();
    if (["BUTTON", "A", "SUMMARY"].includes(node.tagName)) name ||= text(node);
    if (["submit", "button", "reset"].includes(node.type)) name ||= (node.value ?? "").trim();
    name ||= (node.getAttribute("title") ?? "").trim();
    if (node.tagName === "svg") name ||= text(node.querySelector(":scope > title"));
    if (node.tagName === "IMG") name ||= (node.getAttribute("alt") ?? "").trim();
    return name;
  };
  const named = "input, select, textarea, button, a[href], summary, svg:not([aria-hidden=true]), img";
  for (const node of document.querySelectorAll(named)) {
    if (node.type === "hidden" || !shown(node) || node.closest("[aria-hidden=true]")) continue;
    if (node.tagName === "svg" && node.parentElement.closest("svg")) continue;
    if (!nameOf(node)) say(`no accessible name: ${describe(node)} ${node.outerHTML.slice(0, 160)}`);
  }
  const ids = new Map();
  for (const node of document.querySelectorAll("[id]")) ids.set(node.id, (ids.get(node.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) say(`id used ${count} times: ${id}`);
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) say(`label for a missing control: ${label.htmlFor}`);
  }

  // Headings go down one level at a time (h2 page title, h3 sections, h4 inside those).
  let level = 1;
  for (const node of document.querySelectorAll("#view h1, #view h2, #view h3, #view h4, #view h5, #view h6")) {
    if (!shown(node)) continue;
    const next = Number(node.tagName[1]);
    if (next > level + 1) say(`heading skips a level: h${level} to ${describe(node)}: ${short(text(node))}`);
    level = next;
  }

  // Text contrast (WCAG AA: 4.5:1, large text 3:1) against the first opaque background behind it.
  const rgba = (value) => {
    const found = value.match(/rgba?\(([^)]+)\)/);
    if (!found) return null;
    const [r, g, b, a = 1] = found[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3]));
  const backdrop = (node) => {
    const layers = [];
    for (let up = node; up; up = up.parentElement) {
      const colour = rgba(getComputedStyle(up).backgroundColor);
      if (colour && colour[3] > 0) layers.push(colour);
      if (colour && colour[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const luminance = ([r, g, b]) => {
    const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const contrasted = new Set();
  const lettered = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode.parentElement;
    if (!node || contrasted.has(node) || !walker.currentNode.textContent.trim()) continue;
    contrasted.add(node);
    // An option's text is drawn by its select (checked below), in the select's colours.
    if (!node.closest("option, .visually-hidden, [disabled], [aria-disabled=true], svg")) lettered.push(node);
  }
  lettered.push(...document.querySelectorAll("select:not([disabled])"));
  for (const node of lettered) {
    if (!shown(node)) continue;
    const style = getComputedStyle(node);
    const colour = rgba(style.color);
    if (!colour) continue;
    const back = backdrop(node);
    const [light, dark] = [luminance(over(colour, back)), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const what = node.tagName === "SELECT" ? node.selectedOptions[0]?.text ?? "" : text(node);
      say(`low contrast ${ratio.toFixed(2)}: ${describe(node)} ${style.color} on rgb(${back.map(Math.round)}): ${short(what)}`);
    }
  }

  if (phone) {
    // The navigation shows where the visitor is without scrolling it sideways.
    const here = document.querySelector(".site-nav a[aria-current=page]");
    if (here) {
      const box = here.getBoundingClientRect();
      if (box.left < 0 || box.right > width) say(`current navigation link off screen: ${text(here)}`);
    }
    // WCAG 2.2 target size (24 px), and 16 px text in inputs so that phones do not zoom in.
    const targets = "button, select, input:not([type=checkbox]):not([type=radio]), textarea, a.button, summary";
    for (const node of document.querySelectorAll(targets)) {
      if (!shown(node) || node.closest(".visually-hidden")) continue;
      const box = node.getBoundingClientRect();
      if (box.width < 24 || box.height < 24) {
        say(`small target ${Math.round(box.width)}×${Math.round(box.height)}: ${describe(node)} ${short(text(node))}`);
      }
      if (node.matches("select, input, textarea") && parseFloat(getComputedStyle(node).fontSize) < 16) {
        say(`input text under 16px (phones zoom in): ${describe(node)}`);
      }
    }
  }

  // Translation: no Chinese in English; in Chinese, the chrome is not left in English.
  const foreign = (node, language) => {
    const holder = node.closest("[lang]");
    return holder !== null && holder !== document.documentElement && !holder.lang.startsWith(language);
  };
  if (english) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      if (!parent || foreign(parent, "en") || verbatim(parent) || parent.closest("script, style, template")) continue;
      if (cjk.test(walker.currentNode.textContent.replace(money, ""))) {
        say(`Chinese in English: ${describe(parent)}: ${short(text(walker.currentNode))}`);
      }
    }
    for (const node of document.body.querySelectorAll("[placeholder], [aria-label], [title], [alt]")) {
      if (foreign(node, "en")) continue;
      for (const attribute of ["placeholder", "aria-label", "title", "alt"]) {
        const value = (node.getAttribute(attribute) ?? "").replace(money, "");
        if (cjk.test(value)) say(`Chinese in English: ${describe(node)}@${attribute}: ${short(value)}`);
      }
    }
    if (cjk.test(document.title)) say(`Chinese in English: document.title: ${document.title}`);
  } else {
    const chrome = "h1, h2, h3, h4, h5, h6, label, legend, summary, button, thead th, dt, caption, option, .badge";
    for (const node of document.body.querySelectorAll(chrome)) {
      if (foreign(node, "zh") || verbatim(node) || !(shown(node) || node.tagName === "OPTION")) continue;
      const value = text(node);
      if (/[A-Za-z]{2}/.test(value) && !cjk.test(value) && !isData(value)) {
        say(`English in Chinese: ${describe(node)}: ${short(value)}`);
      }
    }
    for (const node of document.body.querySelectorAll("[placeholder], [aria-label]")) {
      for (const attribute of ["placeholder", "aria-label"]) {
        const value = (node.getAttribute(attribute) ?? "").trim();
        if (/[A-Za-z]{2}/.test(value) && !cjk.test(value) && !isData(value)) {
          say(`English in Chinese: ${describe(node)}@${attribute}: ${short(value)}`);
        }
      }
    }
  }
  return problems;
}
