// Starts Swagger UI on /api/docs. The spec URL comes from the page's data-spec-url: no inline script, so the page
// works under a strict Content-Security-Policy; Swagger UI is served locally (static/vendor/swagger-ui/).
(() => {
  const root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
    validatorUrl: null, // the default badge would ask validator.swagger.io, which offices cannot reach
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
