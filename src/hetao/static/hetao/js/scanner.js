// Gate scanner: read QR codes from the camera with jsQR (npm, served by the park) and submit them;
// manual entry in the text box works without a camera or JavaScript.
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
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("start-camera");
    if (!button) return;
    if (!navigator.mediaDevices || typeof jsQR === "undefined") { button.hidden = true; return; }
    button.addEventListener("click", () => start().catch(() => { button.disabled = true; }));
  });
})();
