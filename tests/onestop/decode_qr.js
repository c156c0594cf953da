// Decodes the QR code in a binary PGM image (pdftoppm -gray) with jsQR, the decoder the gate scanner page uses.
// Usage: node decode_qr.js <node_modules dir> <image.pgm>; prints the code's text or exits 1.
const fs = require("fs");
const jsQR = require(`${process.argv[2]}/jsqr/dist/jsQR.js`);
const image = fs.readFileSync(process.argv[3]);
const header = image.toString("latin1", 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
const [width, height] = [Number(header[1]), Number(header[2])];
const pixels = image.subarray(header[0].length);
const rgba = new Uint8ClampedArray(width * height * 4);
for (let i = 0; i < width * height; i++) rgba.set([pixels[i], pixels[i], pixels[i], 255], i * 4);
const code = jsQR(rgba, width, height);
if (!code) process.exit(1);
process.stdout.write(code.data);
