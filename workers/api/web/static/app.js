/* Sohoa web app: upload with live progress (server-sent events, polling fallback), live batch pages,
   small helpers. Plain JS, no build step, no inline handlers (the pages have a strict CSP). */
"use strict";

const CSRF = document.body.dataset.csrf || "";
const STATES = { queued: "Đã tải lên, chờ xử lý", processing: "Đang xử lý", indexed: "Đã lập chỉ mục", failed: "Lỗi" };
const STAGES = { queued: "Đã tải lên", ocr: "Đang nhận dạng (OCR)", classify: "Đang phân loại" };
const UPLOAD_ERRORS = {
  file_too_large: "Tệp vượt quá dung lượng cho phép. Hãy tách thành nhiều tệp nhỏ hơn.",
  empty_file: "Tệp rỗng (0 byte). Hãy quét lại hoặc chọn đúng tệp.",
  unsupported_type: "Định dạng không được hỗ trợ; chỉ nhận PDF, TIFF, PNG, JPEG.",
  network: "Mất kết nối khi tải lên; hãy thử lại.",
};
const SUFFIXES = [".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"];
const PARALLEL = 3;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "X-CSRF-Token": CSRF, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
  return data;
}

function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
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
  if (file.state === "failed" && file.error_message) state.append(el("div", { class: "reason", text: file.error_message }));
  const type = tr.querySelector(".type");
  if (type) type.textContent = file.doc_type_name || file.doc_type || "";
  const actions = tr.querySelector(".actions");
  actions.replaceChildren();
  if (file.state === "failed") actions.append(el("button", { type: "button", class: "small retry", "data-doc": file.doc_id, text: "Thử lại" }));
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
      alert(err.message);
    }
  });
}

/* ----------------------------------------------------------------- batch page */

function batchPage() {
  const body = document.body;
  const batch = body.dataset.batch;
  const canView = body.dataset.canView === "1";
  const tbody = document.getElementById("files");
  const retryAll = document.getElementById("retry-all");
  const watcher = new BatchWatcher(batch, (summary) => {
    for (const f of summary.files) {
      let tr = tbody.querySelector(`tr[data-doc="${f.doc_id}"]`);
      if (!tr) {
        tr = el("tr", {}, el("td", { class: "name", text: f.filename }), el("td", { text: f.dossier || "" }),
          el("td", { class: "num pages" }), el("td", { class: "state" }), el("td", { class: "type" }), el("td", { class: "actions" }));
        tbody.append(tr);
      }
      updateRow(tr, f, canView);
    }
    document.getElementById("summary").replaceChildren(countsNode(summary.counts));
    document.getElementById("file-count").textContent = summary.files.length;
    retryAll.hidden = !summary.counts.failed;
    if (summary.done && summary.finished_at) {
      document.getElementById("finished").textContent = new Date(summary.finished_at).toLocaleString("vi-VN");
      const secs = Math.round((new Date(summary.finished_at) - new Date(summary.started_at)) / 1000);
      document.getElementById("took").textContent = secs >= 60 ? `${Math.floor(secs / 60)} phút ${secs % 60} giây` : `${secs} giây`;
    }
  });
  retryHandlers(tbody, () => watcher.start());
  retryAll.addEventListener("click", async () => {
    retryAll.disabled = true;
    try { await api("POST", `/api/v1/batches/${encodeURIComponent(batch)}/retry`); watcher.start(); }
    catch (err) { alert(err.message); }
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
  const queue = [];
  let active = 0;
  let batch = null;
  let watcher = null;
  let waitingForBatch = false;

  const onSummary = (summary) => {
    for (const f of summary.files) {
      for (const tr of tbody.querySelectorAll(`tr[data-doc="${f.doc_id}"]`)) updateRow(tr, f, canView);
    }
    document.getElementById("summary").replaceChildren(countsNode(summary.counts));
    retryAll.hidden = !summary.counts.failed;
  };
  const watch = () => {
    if (!batch) return;
    if (!watcher || watcher.batch !== batch) watcher = new BatchWatcher(batch, onSummary);
    watcher.start();
  };

  function addFiles(files) {
    const list = Array.from(files).filter((f) => !f.name.startsWith("."));
    if (!list.length) return;
    card.hidden = false;
    for (const file of list) {
      const bar = el("span", { class: "uploadbar" }, el("span"));
      const tr = el("tr", {},
        el("td", { class: "name", text: file.webkitRelativePath || file.name }),
        el("td", { class: "num", text: humanSize(file.size) }),
        el("td", { class: "up" }, bar),
        el("td", { class: "state" }, el("span", { class: "badge st-queued", text: "Chờ tải lên" })),
        el("td", { class: "type" }),
        el("td", { class: "actions" }));
      tbody.append(tr);
      const suffix = file.name.toLowerCase().slice(file.name.lastIndexOf("."));
      if (!SUFFIXES.includes(suffix)) fail(tr, bar, UPLOAD_ERRORS.unsupported_type);
      else if (file.size > maxBytes) fail(tr, bar, UPLOAD_ERRORS.file_too_large);
      else queue.push({ file, tr, bar });
    }
    pump();
  }

  function fail(tr, bar, message) {
    bar.classList.add("bad");
    bar.firstChild.style.width = "100%";
    tr.querySelector(".state").replaceChildren(badge({ state: "failed" }), el("div", { class: "reason", text: message }));
  }

  function pump() {
    // The first file of a new batch goes alone: its answer names the batch for the others.
    while (queue.length && active < PARALLEL && !waitingForBatch) {
      if (!batch && !batchInput.value.trim()) waitingForBatch = true;
      send(queue.shift());
    }
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
      if (xhr.status === 201) {
        batch = data.batch;
        batchInput.value = batch;
        batchInput.readOnly = true;
        document.getElementById("batch-label").textContent = `· ${batch}`;
        batchLink.href = `/batches/${encodeURIComponent(batch)}`;
        batchLink.hidden = false;
        const result = data.files[0];
        item.bar.firstChild.style.width = "100%";
        if (result.status === "rejected") {
          fail(item.tr, item.bar, UPLOAD_ERRORS[result.error_code] || result.error_code);
        } else {
          item.bar.classList.add("done");
          item.tr.dataset.doc = result.doc_id;
          const note = result.status === "duplicate" ? " (trùng tệp đã có)" : "";
          item.tr.querySelector(".state").replaceChildren(el("span", { class: "badge st-queued", text: STATES.queued + note }));
        }
        watch();
      } else {
        fail(item.tr, item.bar, data.message || `HTTP ${xhr.status}`);
      }
      done();
    };
    xhr.onerror = () => { fail(item.tr, item.bar, UPLOAD_ERRORS.network); done(); };
    xhr.send(form);
  }

  function done() {
    active -= 1;
    waitingForBatch = false;
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
  document.getElementById("new-batch").addEventListener("click", () => {
    if (active || queue.length) return alert("Hãy đợi tải lên xong.");
    if (watcher) watcher.stop();
    batch = null;
    batchInput.value = "";
    batchInput.readOnly = false;
    tbody.replaceChildren();
    card.hidden = true;
    batchLink.hidden = true;
    document.getElementById("summary").replaceChildren();
  });
  retryHandlers(tbody, watch);
  retryAll.addEventListener("click", async () => {
    retryAll.disabled = true;
    try { await api("POST", `/api/v1/batches/${encodeURIComponent(batch)}/retry`); watch(); }
    catch (err) { alert(err.message); }
    retryAll.disabled = false;
  });
  window.addEventListener("beforeunload", (e) => {
    if (active || queue.length) { e.preventDefault(); e.returnValue = ""; }
  });
}

/* ----------------------------------------------------------------- helpers */

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  navigator.clipboard.writeText(text).then(() => { button.textContent = "Đã chép"; });
});

if (document.body.dataset.page === "upload") uploadPage();
if (document.body.dataset.page === "batch") batchPage();

/* ----------------------------------------------------------------- review: confirm a register link */

function reviewPage(section) {
  section.addEventListener("click", async (event) => {
    const button = event.target.closest("button.link-confirm");
    if (!button) return;
    const row = button.closest("tr.link-suggestions");
    const buttons = row.querySelectorAll("button.link-confirm");
    for (const b of buttons) b.disabled = true;
    try {
      const link = await api("POST", "/api/v1/register/links",
        { doc_id: button.dataset.doc, register_key: button.dataset.key, by: section.dataset.by || "web" });
      row.querySelector("td").replaceChildren(
        el("span", { class: "badge ok", text: "Đã liên kết" }), " ", el("strong", { text: link.register_key }));
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      alert(err.message);
    }
  });
}

const reviewSection = document.getElementById("review-queue");
if (reviewSection) reviewPage(reviewSection);
