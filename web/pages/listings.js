import { heading } from "../dom.js";
export function render(view) { view.append(heading("nav.listings")); }
