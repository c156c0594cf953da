// Progressive enhancement only; every control works without JavaScript. The language switch is submitted
// with its button, not on change (WCAG 3.2.2: choosing an option must not change the page by itself).
