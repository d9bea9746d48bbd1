// The OpenAPI browser (swagger-ui) for this server's two documents. The documents and the calls "Try it out"
// makes need a token: the one entered in the bar is sent as `Authorization: Bearer …` to this origin only.
(function () {
  'use strict';
  var form = document.getElementById('token-bar');
  var input = document.getElementById('token');
  var select = document.getElementById('document');
  var state = document.getElementById('token-state');
  var tokenKey = 'twenty-server:token';
  input.value = sessionStorage.getItem(tokenKey) || '';
  var wanted = new URLSearchParams(window.location.search).get('document');
  if (wanted === 'core' || wanted === 'metadata') select.value = wanted;

  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; } catch (e) { return false; }
  }

  function show() {
    var token = input.value.trim();
    state.textContent = token ? 'Token set.' : 'No token: enter an API key or access token to load the document.';
    window.ui = SwaggerUIBundle({
      url: '/rest/open-api/' + select.value,
      dom_id: '#swagger-ui',
      deepLinking: false,
      // No badge from validator.swagger.io: nothing leaves this server.
      validatorUrl: null,
      requestInterceptor: function (request) {
        if (token && sameOrigin(request.url)) request.headers.Authorization = 'Bearer ' + token;
        return request;
      }
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(tokenKey, input.value.trim());
    show();
  });
  select.addEventListener('change', show);
  show();
})();
