// Render the Mermaid diagrams emitted by the state machine (mermaid.min.js is served locally).
window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral" });
