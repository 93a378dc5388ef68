// MathJax 3 configuration for pymdownx.arithmatex (generic mode): arithmatex wraps $...$ and
// $$...$$ in <span class="arithmatex">\(...\)</span> / \[...\]; MathJax typesets only those.
window.MathJax = {
  tex: {inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true, processEnvironments: true},
  options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"}
};
