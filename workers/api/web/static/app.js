/* Sohoa web app: what every page shares (menu, folded filters, forms that apply at once, copy buttons),
   the document viewer and the review page's register links. Plain JS, no build step, no inline handlers
   (the pages have a strict CSP). Page scripts (batches.js) use el() and api() from here. */
"use strict";

const CSRF = document.body.dataset.csrf || "";
const NARROW = window.matchMedia("(max-width: 760px)");

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
  /* JSON in and out; a refusal throws an Error carrying the stable error ``code``. */
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "X-CSRF-Token": CSRF, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.message || `HTTP ${response.status}`);
    error.code = data.code || "";
    throw error;
  }
  return data;
}

/* ----------------------------------------------------------------- every page */

document.body.classList.add("js");

function menu() {
  /* On a narrow screen the menu is folded behind one button. */
  const toggle = document.getElementById("menu-toggle");
  if (!toggle) return;
  const bar = document.getElementById("topbar");
  toggle.addEventListener("click", () => {
    const open = !bar.classList.contains("open");
    bar.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
}

function foldOnNarrow() {
  /* Filters and long side panels start folded on a narrow screen, open on a wide one. */
  for (const details of document.querySelectorAll("details.fold-narrow")) details.open = !NARROW.matches;
}

function autoSubmit() {
  /* A sort order or filter that applies as soon as it is chosen. */
  document.addEventListener("change", (event) => {
    const field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });
}

function copyButtons() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const text = document.getElementById(button.dataset.copy).textContent;
    navigator.clipboard.writeText(text).then(() => { button.textContent = "Đã chép"; });
  });
}

function dateFields() {
  /* dd/mm/yyyy typed loosely ("5/3/2024", "05-03-2024") is written out in full when the field is left. */
  document.addEventListener("focusout", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input.date-vn")) return;
    const m = input.value.trim().match(/^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/);
    if (m) input.value = `${m[1].padStart(2, "0")}/${m[2].padStart(2, "0")}/${m[3]}`;
  });
}

/* ----------------------------------------------------------------- document viewer */

function viewer(root) {
  /* Page images with zoom: the images are rendered at the width asked for, up to 2000 px. */
  const steps = [50, 75, 100, 150, 200, 300];
  let zoom = 100;
  const label = root.querySelector(".zoom-level");
  const apply = () => {
    root.style.setProperty("--zoom", `${zoom}%`);
    root.classList.toggle("zoomed", zoom > 100);
    label.textContent = `${zoom}%`;
    for (const img of root.querySelectorAll("img[data-src]")) {
      const width = Math.min(2000, Math.max(1000, Math.round((img.clientWidth || 1000) * window.devicePixelRatio / 100) * 100));
      const want = img.dataset.src.replace(/width=\d+/, `width=${width}`);
      if (zoom > 100 && img.getAttribute("src") !== want) img.setAttribute("src", want);
    }
  };
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-zoom]");
    if (!button) return;
    const i = steps.indexOf(zoom);
    if (button.dataset.zoom === "in") zoom = steps[Math.min(steps.length - 1, i + 1)];
    else if (button.dataset.zoom === "out") zoom = steps[Math.max(0, i - 1)];
    else zoom = 100;
    apply();
  });
}

/* ----------------------------------------------------------------- review: confirm a register link */

function reviewPage(section) {
  section.addEventListener("click", async (event) => {
    const button = event.target.closest("button.link-confirm");
    if (!button) return;
    const row = button.closest("tr.link-suggestions");
    const buttons = row.querySelectorAll("button.link-confirm");
    for (const b of buttons) b.disabled = true;
    try {
      const link = await api("POST", "/api/v1/register/links", { doc_id: button.dataset.doc, register_key: button.dataset.key });
      row.querySelector("td").replaceChildren(
        el("span", { class: "badge ok", text: "Đã liên kết" }), " ", el("strong", { text: link.register_key }));
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      row.querySelector("td").append(el("p", { class: "reason", text: "Không liên kết được; hãy tải lại trang rồi thử lại." }));
    }
  });
}

menu();
foldOnNarrow();
autoSubmit();
copyButtons();
dateFields();
for (const root of document.querySelectorAll(".viewer")) viewer(root);
const reviewSection = document.getElementById("review-queue");
if (reviewSection) reviewPage(reviewSection);
