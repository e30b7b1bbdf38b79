/* Sohoa web app: the upload page (checked before sending, live progress) and the live batch page.
   Needs app.js (el, api). Plain JS, no inline handlers (the pages have a strict CSP). */
"use strict";

const ERRORS = JSON.parse(document.body.dataset.errors || "{}");
// Codes given only at upload, before the original is stored: there is nothing to retry.
const REFUSED = new Set(["empty_file", "unsupported_type", "file_too_large"]);
const STATES = { queued: "Đã tải lên, chờ xử lý", processing: "Đang xử lý", indexed: "Đã xử lý xong", failed: "Lỗi" };
const STAGES = { queued: "Đã tải lên", ocr: "Đang nhận dạng (OCR)", classify: "Đang phân loại" };
const SUFFIXES = [".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"];
const PARALLEL = 3;
const LABELS = ["Tệp", "Kích thước", "Tải lên", "Trạng thái", "Loại văn bản", ""];
const NOTES = new WeakMap();

function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function failureText(file) {
  const code = file.error_code || "";
  if (code === "unsupported_type" && (file.filename || "").toLowerCase().endsWith(".pdf")) return ERRORS["unsupported_type.pdf"];
  return ERRORS[code] || "Lỗi xử lý.";
}

function isRefused(file) {
  return file.state === "failed" && REFUSED.has(file.error_code);
}

function badge(file) {
  if (file.state === "processing" && file.stage && STAGES[file.stage]) {
    const pages = file.pages ? ` ${file.pages_done || 0}/${file.pages}` : "";
    return el("span", { class: "badge st-processing", text: STAGES[file.stage] + pages });
  }
  return el("span", { class: `badge st-${file.state || "unknown"}`, text: STATES[file.state] || file.state || "" });
}

function countsNode(counts) {
  const span = el("span", { class: "counts" });
  for (const st of ["indexed", "processing", "queued", "failed"]) {
    if (counts[st]) span.append(el("span", { class: `badge st-${st}`, text: `${STATES[st]}: ${counts[st]}` }), " ");
  }
  return span;
}

function noteNodes(note, docId, canView) {
  /* What the state alone does not say: no text found, or the same file uploaded before. */
  const nodes = [];
  if (note.no_text) {
    nodes.push(el("div", { class: "note warn no-text",
      text: "Không tìm thấy chữ nào trên bản quét (trang trắng, quét nhầm mặt hoặc ảnh quá mờ): hãy kiểm tra và quét lại nếu cần." }));
  }
  if (note.duplicate) {
    const dup = note.duplicate === true ? {} : note.duplicate;
    const node = el("div", { class: "note duplicate" }, "Trùng tệp đã tải lên trước");
    if (dup.batch) node.append(" (lô ", el("a", { href: `/batches/${encodeURIComponent(dup.batch)}`, text: dup.batch }), ")");
    if (canView && docId) node.append(": ", el("a", { href: `/documents/${docId}`, text: "mở bản đã có" }));
    else node.append(": không xử lý lại.");
    nodes.push(node);
  }
  return nodes;
}

/* ----------------------------------------------------------------- live batch state */

class BatchWatcher {
  /* Follows one batch over SSE (reconnecting as the server ends streams), or by polling when SSE fails. */
  constructor(batch, onSummary) {
    this.batch = batch;
    this.onSummary = onSummary;
    this.source = null;
    this.timer = null;
  }
  start() {
    this.stop();
    const url = `/api/v1/batches/${encodeURIComponent(this.batch)}/events`;
    if (!window.EventSource) return this.poll();
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.addEventListener("batch", (e) => this.onSummary(JSON.parse(e.data)));
    source.addEventListener("done", () => this.stop());
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { this.source = null; this.poll(); }
    };
  }
  poll() {
    clearTimeout(this.timer);
    api("GET", `/api/v1/batches/${encodeURIComponent(this.batch)}`)
      .then((summary) => { this.onSummary(summary); if (!summary.done) this.timer = setTimeout(() => this.poll(), 2000); })
      .catch(() => { this.timer = setTimeout(() => this.poll(), 5000); });
  }
  stop() {
    if (this.source) this.source.close();
    this.source = null;
    clearTimeout(this.timer);
  }
}

class NotesFetcher {
  /* Asks the page for the files' notes each time more files of the batch are finished. */
  constructor(batch, apply) {
    this.batch = batch;
    this.apply = apply;
    this.finished = -1;
  }
  update(summary) {
    const finished = (summary.counts.indexed || 0) + (summary.counts.failed || 0);
    if (finished === this.finished) return;
    this.finished = finished;
    api("GET", `/batches/${encodeURIComponent(this.batch)}/notes`).then((data) => this.apply(data.files)).catch(() => {});
  }
}

function updateRow(tr, file, canView) {
  tr.dataset.doc = file.doc_id;
  tr.dataset.state = file.state;
  const name = tr.querySelector(".name");
  if (name && canView && file.doc_id && !name.querySelector("a")) {
    name.replaceChildren(el("a", { href: `/documents/${file.doc_id}`, text: file.filename || name.textContent }));
  }
  const pages = tr.querySelector(".pages");
  if (pages) pages.textContent = file.pages || "";
  const state = tr.querySelector(".state");
  state.replaceChildren(badge(file));
  if (file.state === "failed") state.append(el("div", { class: "reason", text: failureText(file) }));
  for (const node of noteNodes(NOTES.get(tr) || {}, file.doc_id, canView)) state.append(node);
  const type = tr.querySelector(".type");
  if (type) type.textContent = file.doc_type_name || file.doc_type || "";
  const actions = tr.querySelector(".actions");
  actions.replaceChildren();
  if (file.state === "failed" && !isRefused(file)) {
    actions.append(el("button", { type: "button", class: "small retry", "data-doc": file.doc_id, text: "Thử lại" }));
  }
  tr.dataset.refused = isRefused(file) ? "1" : "";
}

function applyNotes(tbody, notes, canView) {
  for (const [docId, note] of Object.entries(notes || {})) {
    for (const tr of tbody.querySelectorAll(`tr[data-doc="${docId}"]`)) {
      NOTES.set(tr, { ...(NOTES.get(tr) || {}), ...note });
      const state = tr.querySelector(".state");
      for (const old of state.querySelectorAll(".note")) old.remove();
      for (const node of noteNodes(NOTES.get(tr), docId, canView)) state.append(node);
    }
  }
}

function retryHandlers(container, afterRetry) {
  container.addEventListener("click", async (event) => {
    const button = event.target.closest("button.retry");
    if (!button) return;
    button.disabled = true;
    try {
      await api("POST", `/api/v1/documents/${button.dataset.doc}/retry`);
      afterRetry();
    } catch (err) {
      button.disabled = false;
      const cell = button.closest("tr").querySelector(".state");
      cell.append(el("div", { class: "reason", text: ERRORS[err.code] || "Không thử lại được; hãy tải tệp lên lại." }));
    }
  });
}

async function retryFailed(batch, note) {
  /* Sends every failed file of the batch back to the queue and says what happened, in place. */
  note.hidden = false;
  try {
    const result = await api("POST", `/api/v1/batches/${encodeURIComponent(batch)}/retry`);
    const parts = [`Đã đưa ${result.queued.length} tệp lỗi vào hàng đợi xử lý lại.`];
    if (result.skipped.length) {
      parts.push(`${result.skipped.length} tệp không thử lại được vì không còn bản gốc (bị từ chối khi tải lên): hãy quét lại và tải lên lại.`);
    }
    note.textContent = parts.join(" ");
    return true;
  } catch (err) {
    note.textContent = ERRORS[err.code] || "Không thử lại được; hãy tải lại trang rồi thử lại.";
    return false;
  }
}

function retryableFailures(summary) {
  return summary.files.some((f) => f.state === "failed" && !isRefused(f));
}

/* ----------------------------------------------------------------- batch page */

function batchPage() {
  const body = document.body;
  const batch = body.dataset.batch;
  const canView = body.dataset.canView === "1";
  const tbody = document.getElementById("files");
  const retryAll = document.getElementById("retry-all");
  const retryNote = document.getElementById("retry-note");
  for (const tr of tbody.querySelectorAll("tr[data-doc]")) NOTES.set(tr, JSON.parse(tr.dataset.note || "{}"));
  let notes = null;
  const watcher = new BatchWatcher(batch, (summary) => {
    for (const f of summary.files) {
      let tr = tbody.querySelector(`tr[data-doc="${f.doc_id}"]`);
      if (!tr) {
        tr = el("tr", {}, el("td", { class: "name", "data-label": "Tệp", text: f.filename }),
          el("td", { "data-label": "Mã hồ sơ", text: f.dossier || "" }), el("td", { class: "num pages", "data-label": "Trang" }),
          el("td", { class: "state", "data-label": "Trạng thái" }), el("td", { class: "type", "data-label": "Loại văn bản" }),
          el("td", { class: "actions" }));
        tbody.append(tr);
      }
      updateRow(tr, f, canView);
    }
    notes.update(summary);
    document.getElementById("summary").replaceChildren(countsNode(summary.counts));
    document.getElementById("file-count").textContent = summary.files.length;
    retryAll.hidden = !retryableFailures(summary);
    if (summary.done && summary.finished_at) {
      document.getElementById("finished").textContent = new Date(summary.finished_at).toLocaleString("vi-VN");
      const secs = Math.round((new Date(summary.finished_at) - new Date(summary.started_at)) / 1000);
      document.getElementById("took").textContent = secs >= 60 ? `${Math.floor(secs / 60)} phút ${secs % 60} giây` : `${secs} giây`;
    }
  });
  notes = new NotesFetcher(batch, (files) => applyNotes(tbody, files, canView));
  retryHandlers(tbody, () => watcher.start());
  retryAll.addEventListener("click", async () => {
    retryAll.disabled = true;
    if (await retryFailed(batch, retryNote)) watcher.start();
    retryAll.disabled = false;
  });
  if (body.dataset.live === "1") watcher.start();
}

/* ----------------------------------------------------------------- upload page */

async function entryFiles(entry, out) {
  /* Files under a dropped directory entry (recursively; readEntries returns chunks until empty). */
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push(file);
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const chunk = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!chunk.length) break;
      for (const child of chunk) await entryFiles(child, out);
    }
  }
}

function uploadPage() {
  const body = document.body;
  const maxBytes = Number(body.dataset.maxBytes);
  const canView = body.dataset.canView === "1";
  const zone = document.getElementById("dropzone");
  const tbody = document.getElementById("files");
  const card = document.getElementById("progress-card");
  const batchInput = document.getElementById("batch");
  const dossierInput = document.getElementById("dossier");
  const batchLink = document.getElementById("batch-link");
  const retryAll = document.getElementById("retry-all");
  const retryNote = document.getElementById("retry-note");
  const heldBox = document.getElementById("held");
  const fields = { batch: batchInput, dossier: dossierInput };
  const queue = [];
  const held = []; // chosen but not sent: the batch name or dossier code must be fixed first
  let active = 0;
  let batch = null;
  let watcher = null;
  let notes = null;
  let checking = false;

  const onSummary = (summary) => {
    for (const f of summary.files) {
      for (const tr of tbody.querySelectorAll(`tr[data-doc="${f.doc_id}"]`)) updateRow(tr, f, canView);
    }
    if (notes) notes.update(summary);
    document.getElementById("summary").replaceChildren(countsNode(summary.counts));
    retryAll.hidden = !retryableFailures(summary);
  };
  const watch = () => {
    if (!batch) return;
    if (!watcher || watcher.batch !== batch) {
      watcher = new BatchWatcher(batch, onSummary);
      notes = new NotesFetcher(batch, (files) => applyNotes(tbody, files, canView));
    }
    watcher.start();
  };

  function say(name, text, kind) {
    const note = document.getElementById(`${name}-note`);
    note.textContent = text || "";
    note.className = `field-note${kind ? ` ${kind}` : ""}`;
    fields[name].setAttribute("aria-invalid", kind === "error" ? "true" : "false");
  }

  async function check() {
    /* Asks the server whether the batch name and dossier code will be accepted; shows why not at the field. */
    if (batch) return true;
    const typed = { batch: batchInput.value.trim(), dossier: dossierInput.value.trim() };
    let verdict;
    try {
      verdict = await api("GET", `/upload/check?batch=${encodeURIComponent(typed.batch)}&dossier=${encodeURIComponent(typed.dossier)}`);
    } catch (err) {
      return true; // the upload itself will say what is wrong
    }
    // A name or code the server rewrote is put in the field, and said so until the field changes.
    if (verdict.batch && verdict.batch !== typed.batch) {
      batchInput.value = batchInput.dataset.rewritten = verdict.batch;
      say("batch", `Tên lô sẽ là «${verdict.batch}» (tên lô không chứa / \\ ? # %).`, "info");
    } else if (typed.batch !== batchInput.dataset.rewritten) say("batch", "");
    if (verdict.dossier && verdict.dossier !== typed.dossier) {
      dossierInput.value = dossierInput.dataset.rewritten = verdict.dossier;
      say("dossier", `Mã hồ sơ theo danh sách một cửa: ${verdict.dossier}.`, "info");
    } else if (typed.dossier !== dossierInput.dataset.rewritten) say("dossier", "");
    for (const [name, text] of Object.entries(verdict.errors)) say(name, text, "error");
    if (verdict.errors.dossier) dossierInput.focus();
    else if (verdict.errors.batch) batchInput.focus();
    return !Object.keys(verdict.errors).length;
  }

  function setWaiting(item, text) {
    item.tr.querySelector(".state").replaceChildren(el("span", { class: "badge st-queued", text }));
  }

  function hold(reason) {
    for (const item of held) setWaiting(item, "Chưa gửi");
    heldBox.hidden = !held.length;
    document.getElementById("held-text").textContent =
      `${held.length} tệp đã chọn nhưng chưa gửi. ${reason || "Hãy sửa ô báo lỗi ở trên"} rồi bấm «Gửi lại các tệp đã chọn».`;
  }

  async function release() {
    /* Sends the held files once the form is accepted. */
    if (!held.length || checking) return;
    checking = true;
    const ok = await check();
    checking = false;
    if (!ok) return hold();
    heldBox.hidden = true;
    for (const item of held.splice(0)) { setWaiting(item, "Chờ tải lên"); queue.push(item); }
    pump();
  }

  function addFiles(files) {
    const list = Array.from(files).filter((f) => !f.name.startsWith("."));
    if (!list.length) return;
    card.hidden = false;
    for (const file of list) {
      const bar = el("span", { class: "uploadbar" }, el("span"));
      const tr = el("tr", {},
        el("td", { class: "name", "data-label": LABELS[0], text: file.webkitRelativePath || file.name }),
        el("td", { class: "num", "data-label": LABELS[1], text: humanSize(file.size) }),
        el("td", { class: "up", "data-label": LABELS[2] }, bar),
        el("td", { class: "state", "data-label": LABELS[3] }, el("span", { class: "badge st-queued", text: "Chờ tải lên" })),
        el("td", { class: "type", "data-label": LABELS[4] }),
        el("td", { class: "actions" }));
      tbody.append(tr);
      const suffix = file.name.toLowerCase().slice(file.name.lastIndexOf("."));
      if (!SUFFIXES.includes(suffix)) fail(tr, bar, ERRORS.unsupported_type);
      else if (file.size > maxBytes) fail(tr, bar, ERRORS.file_too_large);
      else held.push({ file, tr, bar });
    }
    release();
  }

  function fail(tr, bar, message) {
    bar.classList.add("bad");
    bar.firstChild.style.width = "100%";
    tr.dataset.state = "failed";
    tr.querySelector(".state").replaceChildren(badge({ state: "failed" }), el("div", { class: "reason", text: message }));
  }

  function pump() {
    while (queue.length && active < PARALLEL) {
      if (!batch && active > 0) return; // the first file of a new batch goes alone: its answer names the batch
      send(queue.shift());
    }
  }

  function accepted(item, data) {
    batch = data.batch;
    batchInput.value = batch;
    batchInput.readOnly = true;
    dossierInput.readOnly = true;
    say("batch", "");
    say("dossier", "");
    document.getElementById("batch-label").textContent = `· ${batch}`;
    batchLink.href = `/batches/${encodeURIComponent(batch)}`;
    batchLink.hidden = false;
    const result = data.files[0];
    item.bar.firstChild.style.width = "100%";
    if (result.doc_id) item.tr.dataset.doc = result.doc_id;
    if (result.status === "rejected") {
      fail(item.tr, item.bar, failureText({ error_code: result.error_code, filename: item.file.name }));
    } else {
      item.bar.classList.add("done");
      if (result.status === "duplicate") NOTES.set(item.tr, { duplicate: true });
      updateRow(item.tr, { doc_id: result.doc_id, state: "queued", filename: item.file.name }, canView);
    }
    watch();
  }

  function refused(item, data) {
    /* The whole request was refused (batch name, dossier code, a busy server): keep this file and every
       file not yet sent, and say once why. */
    held.push(item, ...queue.splice(0));
    const reason = ERRORS[data.code];
    check().then((ok) => hold(ok ? reason || "Máy chủ chưa nhận tệp; hãy thử lại sau ít phút" : ""));
  }

  function send(item) {
    active += 1;
    const form = new FormData();
    form.append("files", item.file, item.file.name);
    form.append("batch", batch || batchInput.value.trim());
    if (dossierInput.value.trim()) form.append("dossier", dossierInput.value.trim());
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/batches");
    xhr.setRequestHeader("X-CSRF-Token", CSRF);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) item.bar.firstChild.style.width = `${Math.round((e.loaded / e.total) * 100)}%`;
    };
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
      if (xhr.status === 201) accepted(item, data);
      else refused(item, data);
      done();
    };
    xhr.onerror = () => { refused(item, { code: "network" }); done(); };
    xhr.send(form);
  }

  function done() {
    active -= 1;
    pump();
  }

  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const items = Array.from(e.dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
    if (entries.length) {
      const files = [];
      for (const entry of entries) await entryFiles(entry, files);
      addFiles(files);
    } else {
      addFiles(e.dataTransfer.files);
    }
  });
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); document.getElementById("pick-files").click(); }
  });
  for (const id of ["pick-files", "pick-folder"]) {
    const input = document.getElementById(id);
    input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
  }
  for (const input of [batchInput, dossierInput]) input.addEventListener("change", () => { if (!batch) check(); });
  document.getElementById("resend").addEventListener("click", release);
  document.getElementById("new-batch").addEventListener("click", () => {
    if (active || queue.length) {
      retryNote.hidden = false;
      retryNote.textContent = "Hãy đợi các tệp đang gửi tải lên xong rồi mới bắt đầu lô mới.";
      return;
    }
    if (watcher) watcher.stop();
    batch = null;
    watcher = null;
    notes = null;
    held.splice(0);
    heldBox.hidden = true;
    batchInput.value = "";
    delete batchInput.dataset.rewritten;
    delete dossierInput.dataset.rewritten;
    batchInput.readOnly = false;
    dossierInput.readOnly = false;
    say("batch", "");
    say("dossier", "");
    tbody.replaceChildren();
    card.hidden = true;
    batchLink.hidden = true;
    retryNote.hidden = true;
    document.getElementById("summary").replaceChildren();
  });
  retryHandlers(tbody, watch);
  retryAll.addEventListener("click", async () => {
    retryAll.disabled = true;
    if (await retryFailed(batch, retryNote)) watch();
    retryAll.disabled = false;
  });
  window.addEventListener("beforeunload", (e) => {
    if (active || queue.length || held.length) { e.preventDefault(); e.returnValue = ""; }
  });
}

if (document.body.dataset.page === "upload") uploadPage();
if (document.body.dataset.page === "batch") batchPage();
