// Gate scanner: read QR codes from the camera with jsQR (npm, served by the park) and submit them;
// manual entry in the text box works without a camera or JavaScript. When the camera cannot start, the page
// says why and moves the focus to manual entry.
(function () {
  "use strict";
  let last = "";
  function submit(text) {
    const form = document.getElementById("scan-form");
    document.getElementById("code").value = text;
    if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
  }
  async function start() {
    const video = document.getElementById("camera");
    const canvas = document.getElementById("frame");
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const context = canvas.getContext("2d", { willReadFrequently: true });
    function tick() {
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
        if (found && found.data !== last) { last = found.data; submit(found.data); }
      }
      requestAnimationFrame(tick);
    }
    tick();
  }
  // Why the camera cannot start, as a key of the message element's data-* texts (translated by the template).
  function reason(error) {
    if (!window.isSecureContext) return "insecure";
    switch (error && error.name) {
      case "NotAllowedError": case "SecurityError": return "denied";
      case "NotFoundError": case "OverconstrainedError": return "missing";
      case "NotReadableError": case "AbortError": return "busy";
      default: return "failed";
    }
  }
  function explain(why, { focus }) {
    const message = document.getElementById("camera-message");
    message.textContent = `${message.dataset[why]} ${message.dataset.manual}`;
    message.classList.add("alert", "alert-warning");
    if (focus) document.getElementById("code").focus(); // straight to manual entry
  }
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("start-camera");
    if (!button) return;
    if (!window.isSecureContext || !navigator.mediaDevices || typeof jsQR === "undefined") {
      // Known before any click (plain http, an old browser, the decoder missing): say so instead of a button.
      button.hidden = true;
      explain(window.isSecureContext ? "failed" : "insecure", { focus: false });
      return;
    }
    button.addEventListener("click", () => {
      button.disabled = true;
      start().then(() => { button.hidden = true; })
        .catch((error) => { button.disabled = false; explain(reason(error), { focus: true }); });
    });
  });
})();
