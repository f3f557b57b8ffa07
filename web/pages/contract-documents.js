// The documents of a contract, and, for a party while it is drafted, attaching more: each one
// joins the terms (its hash and name), so the digest changes and every party signs again.

import * as api from "../api.js";
import { act, button, el } from "../dom.js";
import { documentList, documentPicker } from "../documents.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { roleOf } from "./trade-common.js";

export function contractDocuments(contract, message, changed) {
  const party = roleOf(contract, session.organization()?.id);
  const open = party && contract.status === "drafted";
  if (!open && !contract.documents?.length) return "";
  const children = [documentList(contract.documents, { titled: false })];
  if (open) {
    const picker = documentPicker({ labelKey: "documents.contractAttach", max: 10 - (contract.documents?.length ?? 0) });
    const attach = button("documents.fileThem", () =>
      act(attach, message, async () => {
        await picker.settled();
        let position = null;
        for (const id of picker.ids()) {
          const written = await api.post(`/contracts/${encodeURIComponent(contract.id)}/documents`, { document_id: id });
          position = written.position;
        }
        if (position !== null) await changed(position);
      }, "documents.contractAttached"), { attrs: { "data-action": "attach-documents" } });
    children.push(el("p", { className: "field__hint", text: t("documents.contractHint") }), picker, attach);
  }
  return el("section", { className: "panel", attrs: { "aria-labelledby": "contract-documents" } }, [
    el("h3", { className: "trade-section-title", text: t("documents.title"), attrs: { id: "contract-documents" } }),
    ...children,
  ]);
}
