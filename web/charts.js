// Bar charts drawn as SVG with the DOM (createElementNS, no library, no markup parsing).
//
// A chart is a <figure>: caption, an SVG with role="img" and an aria-label that reads out the
// figures, a legend when there are several series, and the same numbers in a table (for
// screen readers and exact values). Rows are laid out in percentages of the width, so the
// chart fits a phone and a desktop without rescaling its text.

import { el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const LABEL_LINE = 18; // px: the row's label above its bars
const BAR = 18;
const BAR_GAP = 4;
const ROW_GAP = 10;
const BAR_SPAN = 100; // % of the width for the longest bar
const INSIDE_FROM = 55; // % of the width: a longer bar holds its value label inside its end
const LABEL_CHARS = 26;
const SPOKEN_ROWS = 12;

function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  node.append(...children.filter(Boolean));
  return node;
}

function svgText(text, attrs) {
  const node = svg("text", attrs);
  node.textContent = text;
  return node;
}

function rowLabel(label, y) {
  const text = String(label);
  const short = text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
  const node = svgText(short, { x: 0, y, class: "chart__label" });
  if (short !== text) node.prepend(svg("title", {}, [document.createTextNode(text)]));
  return node;
}

function percent(value, max) {
  if (!(value > 0) || !(max > 0)) return 0;
  // Keep a sliver for small non-zero values, so they do not look like nothing.
  return Math.max(0.6, (value / max) * BAR_SPAN);
}

function valueText(text, width, y, series) {
  const inside = width >= INSIDE_FROM;
  return svgText(text, {
    x: `${width.toFixed(2)}%`,
    dx: inside ? -6 : 6,
    y: y + BAR / 2,
    "text-anchor": inside ? "end" : "start",
    "dominant-baseline": "central",
    class: `chart__value chart__value--${series}${inside ? " chart__value--inside" : ""}`,
  });
}

function drawRow(row, index, top, max) {
  const parts = [rowLabel(row.label, top + LABEL_LINE - 5)];
  row.values.forEach((value, s) => {
    const y = top + LABEL_LINE + s * (BAR + BAR_GAP);
    const width = percent(Number(value), max);
    parts.push(
      svg("rect", {
        class: `chart__bar chart__bar--${s}`,
        x: 0,
        y,
        width: `${width.toFixed(2)}%`,
        height: BAR,
        rx: 2,
        "data-row": index,
      }),
      valueText(row.texts[s], width, y, s),
    );
  });
  return svg("g", { class: "chart__row" }, parts);
}

function spoken(caption, series, rows) {
  const items = rows.slice(0, SPOKEN_ROWS).map((row) => {
    const figures = row.texts.map((text, s) => (series.length > 1 ? `${series[s]} ${text}` : text));
    return `${row.label}: ${figures.join(", ")}`;
  });
  if (rows.length > SPOKEN_ROWS) items.push("…");
  return `${caption}. ${items.join("; ")}`;
}

function legend(series) {
  if (series.length < 2) return null;
  return el("ul", { className: "chart__legend", attrs: { "aria-hidden": "true" } }, series.map((name, s) =>
    el("li", {}, [el("span", { className: `chart__swatch chart__swatch--${s}` }), el("span", { text: name })]),
  ));
}

// A table with more columns than this stacks its rows in a narrow chart (styles/public.css).
const WIDE_TABLE = 3;

function table(caption, head, body) {
  const cell = (value, tag, i) => {
    const attrs = { "data-label": head[i] };
    return value instanceof Node ? el(tag, { attrs }, [value]) : el(tag, { text: value ?? "—", attrs });
  };
  const wide = head.length > WIDE_TABLE ? " chart__table--wide" : "";
  return el("div", { className: "table-wrap" }, [
    el("table", { className: `data-table chart__table${wide}` }, [
      el("caption", { className: "visually-hidden", text: caption }),
      el("thead", {}, [el("tr", {}, head.map((text) => el("th", { text, attrs: { scope: "col" } })))]),
      el("tbody", {}, body.map((cells) =>
        el("tr", {}, cells.map((value, i) => cell(value, i === 0 ? "th" : "td", i))),
      )),
    ]),
  ]);
}

/**
 * A horizontal bar chart in a <figure>.
 * `series`: the names of the bars of a row; `rows`: `[{label, values: [number], texts: [string]}]`
 * (one value and its display text per series); `head`/`body`: the table (first cell a row
 * header; cells are text or nodes); `emptyText` shown instead when there are no rows;
 * `id` set on the figure.
 */
export function barChart({ id, caption, series, rows, head, body, emptyText }) {
  const figure = el("figure", { className: "chart", attrs: { id } }, [
    el("figcaption", { className: "chart__caption", text: caption }),
  ]);
  if (!rows.length) {
    figure.append(el("p", { className: "chart__empty", text: emptyText }));
    return figure;
  }
  const max = Math.max(0, ...rows.flatMap((row) => row.values.map(Number).filter(Number.isFinite)));
  const rowHeight = LABEL_LINE + series.length * (BAR + BAR_GAP) + ROW_GAP;
  const drawing = svg("svg", {
    class: "chart__svg",
    width: "100%",
    height: rows.length * rowHeight,
    role: "img",
    "aria-label": spoken(caption, series, rows),
  }, rows.map((row, i) => drawRow(row, i, i * rowHeight, max)));
  figure.append(...[drawing, legend(series), table(caption, head, body)].filter(Boolean));
  return figure;
}
