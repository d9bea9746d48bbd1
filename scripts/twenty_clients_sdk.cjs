// The typed clients of twenty-sdk's companion twenty-client-sdk (npm), part of scripts/twenty_clients.py: its
// MetadataApiClient (a genql client of /metadata) and RestApiClient (/rest), configured as an app's code is, by
// TWENTY_API_URL and TWENTY_API_KEY. Run by node from the directory twenty-client-sdk is installed in; prints one JSON
// line per call: {"what", "ok", "detail"}.
const { MetadataApiClient } = require('twenty-client-sdk/metadata');
const { RestApiClient } = require('twenty-client-sdk/rest');

const out = (what, ok, detail) =>
  console.log(JSON.stringify({ what, ok: !!ok, detail: JSON.stringify(detail ?? '').slice(0, 600) }));

const attempt = async (what, run, expect) => {
  try {
    const answer = await run();
    out(what, expect(answer), answer);
    return answer;
  } catch (error) {
    out(what, false, { error: String(error), body: error.body ?? error.errors });
    return undefined;
  }
};

(async () => {
  const metadata = new MetadataApiClient();
  await attempt(
    'MetadataApiClient query objects',
    () => metadata.query({ objects: { __args: { paging: { first: 100 } }, edges: { node: { id: true, nameSingular: true, isCustom: true } } } }),
    (a) => ['company', 'person', 'opportunity'].every((n) => a.objects.edges.some((e) => e.node.nameSingular === n)),
  );
  await attempt(
    'MetadataApiClient query currentWorkspace',
    () => metadata.query({ currentWorkspace: { id: true } }),
    (a) => typeof a.currentWorkspace?.id === 'string',
  );
  await attempt(
    "MetadataApiClient mutation createOneObject (Twenty's input: {object})",
    () =>
      metadata.mutation({
        createOneObject: {
          __args: { input: { object: { nameSingular: 'project', namePlural: 'projects', labelSingular: 'Project', labelPlural: 'Projects' } } },
          id: true,
          nameSingular: true,
        },
      }),
    (a) => a.createOneObject?.nameSingular === 'project',
  );

  const rest = new RestApiClient();
  const created = await attempt(
    'RestApiClient post /rest/companies',
    () => rest.post('/rest/companies', { name: 'Initech', employees: 20 }),
    (a) => JSON.stringify(a).includes('Initech'),
  );
  const record = created?.data?.createCompany ?? created?.data;
  await attempt(
    'RestApiClient get /rest/companies with a filter',
    () => rest.get('/rest/companies', { query: { filter: 'employees[gte]:10' } }),
    (a) => {
      const rows = Array.isArray(a.data) ? a.data : a.data?.companies;
      return rows?.length === 1 && rows[0].name === 'Initech';
    },
  );
  await attempt(
    'RestApiClient patch /rest/companies/{id}',
    () => rest.patch(`/rest/companies/${record?.id}`, { employees: 30 }),
    (a) => JSON.stringify(a).includes('"employees":30'),
  );
  await attempt(
    'RestApiClient delete /rest/companies/{id}',
    () => rest.delete(`/rest/companies/${record?.id}`),
    (a) => JSON.stringify(a).includes(record?.id),
  );
  await attempt(
    'RestApiClient get /rest/metadata/objects',
    () => rest.get('/rest/metadata/objects'),
    (a) => JSON.stringify(a).includes('"nameSingular":"company"'),
  );
})().catch((error) => out('run', false, String(error.stack)));
