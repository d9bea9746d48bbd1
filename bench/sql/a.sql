-- Workload (a), hand-written: the cheapest statement we know that returns the JSON of
--   companies(first: 20, filter: {industry: {eq: $i}, employees: {gte: $e}}, orderBy: [{createdAt: DescNullsLast}])
--   { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name domainName employees industry
--     createdAt annualRecurringRevenue { amountMicros currencyCode } } } }
-- `__SCHEMA__` is replaced by the workspace schema; `:industry` and `:min_employees` are pgbench variables (-D).
WITH page AS (
    SELECT c.*, translate(encode(convert_to(json_build_array(c."createdAt", c.id)::text, 'UTF8'), 'base64'),
                          E'+/=\n', '-_') AS cursor
    FROM "__SCHEMA__".company c
    WHERE c."deletedAt" IS NULL AND c.industry = (:industry)::text AND c.employees >= (:min_employees)::int8
    ORDER BY c."createdAt" DESC NULLS LAST, c.id ASC NULLS FIRST
    LIMIT 21
), shown AS (
    SELECT * FROM page LIMIT 20
)
SELECT json_build_object(
    'totalCount', (SELECT count(*) FROM "__SCHEMA__".company c
                   WHERE c."deletedAt" IS NULL AND c.industry = (:industry)::text
                     AND c.employees >= (:min_employees)::int8),
    'pageInfo', json_build_object('hasNextPage', (SELECT count(*) > 20 FROM page),
                                  'endCursor', (SELECT cursor FROM shown OFFSET 19 LIMIT 1)),
    'edges', COALESCE((SELECT json_agg(json_build_object(
        'cursor', s.cursor,
        'node', json_build_object('id', s.id, 'name', s.name, 'domainName', s."domainName", 'employees', s.employees,
                                  'industry', s.industry, 'createdAt', s."createdAt",
                                  'annualRecurringRevenue', json_build_object(
                                      'amountMicros', s."annualRecurringRevenueAmountMicros",
                                      'currencyCode', s."annualRecurringRevenueCurrencyCode"))))
        FROM shown s), '[]'::json));
