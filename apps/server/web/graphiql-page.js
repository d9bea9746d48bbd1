// GraphiQL for one endpoint of this server (the page's `data-endpoint`), with the token bar above it: the token
// entered there is sent as `Authorization: Bearer …` with every request, and kept for the tab's session only.
(function () {
  'use strict';
  var endpoint = document.body.dataset.endpoint;
  var form = document.getElementById('token-bar');
  var input = document.getElementById('token');
  var state = document.getElementById('token-state');
  var tokenKey = 'twenty-server:token';
  input.value = sessionStorage.getItem(tokenKey) || '';

  // GraphiQL keeps the editors' contents in localStorage; one namespace per endpoint, so that /graphql and
  // /metadata do not share their queries.
  var prefix = 'twenty-server' + endpoint + ':';
  var storage = {
    getItem: function (key) { return localStorage.getItem(prefix + key); },
    setItem: function (key, value) { localStorage.setItem(prefix + key, value); },
    removeItem: function (key) { localStorage.removeItem(prefix + key); },
    clear: function () {
      Object.keys(localStorage).filter(function (k) { return k.indexOf(prefix) === 0; })
        .forEach(function (k) { localStorage.removeItem(k); });
    },
    get length() {
      return Object.keys(localStorage).filter(function (k) { return k.indexOf(prefix) === 0; }).length;
    }
  };

  function fetcher(params, options) {
    var token = input.value.trim();
    var headers = token ? { Authorization: 'Bearer ' + token } : {};
    return GraphiQL.createFetcher({ url: endpoint, headers: headers })(params, options);
  }

  // `?query=` opens the page on that document (a link can carry a query).
  var query = new URLSearchParams(window.location.search).get('query');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var generation = 0;

  function mount() {
    generation += 1;
    var hasToken = input.value.trim() !== '';
    state.textContent = hasToken ? 'Token set.' : 'No token: enter an API key or access token to load the schema.';
    var props = { key: generation, fetcher: fetcher, storage: storage, defaultEditorToolsVisibility: false };
    if (query !== null) props.query = query;
    // A new key mounts GraphiQL afresh, which fetches the schema again with the new token.
    root.render(React.createElement(GraphiQL, props));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(tokenKey, input.value.trim());
    mount();
  });
  mount();
})();
