// My park code: the expiry in the browser's own time zone, a countdown in seconds, and a copy button for the
// code as text. htmx swaps in a renewed code every minute; this file follows whichever figure is on the page.
// Without JavaScript the page still shows the code, its text and the expiry in the park's time (Asia/Shanghai).
(function () {
  "use strict";
  // Speak only when the code is about to lapse without a renewal (htmx renews it with ~15 s left): a live region
  // that spoke every second, or even every minute, would drown a screen reader.
  const ANNOUNCE_AT = new Set([10, 0]);
  const lang = document.documentElement.lang || undefined;
  const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const seen = new WeakMap(); // figure → {deadline, announced}

  function announce(text) {
    const region = document.getElementById("code-announce");
    if (region) region.textContent = text;
  }

  function tick() {
    const figure = document.querySelector("#park-code [data-expires]");
    if (!figure) return;
    let state = seen.get(figure);
    if (!state) {
      // Count from the seconds the server gave, not from the device clock, which may be wrong.
      state = { deadline: performance.now() + Number(figure.dataset.remaining) * 1000, announced: new Set() };
      seen.set(figure, state);
      const time = figure.querySelector("[data-local-time]");
      if (time) time.textContent = clock.format(new Date(Number(figure.dataset.expires) * 1000));
      figure.classList.remove("expired");
    }
    const left = Math.max(0, Math.round((state.deadline - performance.now()) / 1000));
    const counter = figure.querySelector("[data-countdown]");
    if (counter) counter.textContent = String(left);
    figure.classList.toggle("expired", left === 0);
    if (ANNOUNCE_AT.has(left) && !state.announced.has(left)) {
      state.announced.add(left);
      const region = document.getElementById("code-announce");
      if (region) announce(left === 0 ? region.dataset.expired : region.dataset.left.replace("{seconds}", left));
    }
  }

  async function copy(button) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch {
      // No clipboard API (insecure context, old browser) or no permission: select the text instead.
      field.focus();
      field.select();
      try { copied = document.execCommand("copy"); } catch { copied = false; }
    }
    status.textContent = copied ? status.dataset.copied : status.dataset.select;
    button.classList.toggle("btn-success", copied);
    button.classList.toggle("btn-outline-primary", !copied);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (button) copy(button);
  });

  // A renewed code must not close the text box the user opened, nor drop the focus from the copy button.
  let keep = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id !== "park-code") return;
    const box = event.detail.target.querySelector("details");
    keep = { open: Boolean(box && box.open), focus: document.activeElement && document.activeElement.id };
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "park-code" || !keep) return;
    const box = event.detail.target.querySelector("details");
    if (box) box.open = keep.open;
    const focused = keep.focus && document.getElementById(keep.focus);
    if (focused && event.detail.target.contains(focused)) focused.focus();
    keep = null;
    showButtons();
    tick();
  });

  function showButtons() {
    document.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    showButtons();
    tick();
    setInterval(tick, 1000);
  });
})();
