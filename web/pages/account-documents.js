// The organization's own documents on #/account: a business licence and the like, which
// operators see when they verify it. Upload (with progress), then file them with the profile.

import * as api from "../api.js";
import { act, button, el, notice } from "../dom.js";
import { documentList, documentPicker } from "../documents.js";
import { t } from "../i18n.js";
import { section } from "./account-members.js";

export function documentsSection(profile) {
  const message = notice();
  const body = el("div");

  function paint(documents) {
    const picker = documentPicker({ kind: "business_licence", max: 10 - documents.length });
    const file = button("documents.fileThem", () =>
      act(file, message, async () => {
        await picker.settled();
        let written = null;
        for (const id of picker.ids()) {
          written = await api.post("/organizations/me/documents", { document_id: id });
        }
        if (written) paint(written.documents);
      }, "documents.filed"), { primary: true, attrs: { "data-action": "file-documents" } });
    body.replaceChildren(documentList(documents), picker, el("div", { className: "form__actions" }, [file]));
  }

  paint(profile.documents ?? []);
  return section("account-documents", "documents.licence", [
    el("p", { className: "field__hint", text: t("documents.licenceHint") }),
    message,
    body,
  ]);
}
