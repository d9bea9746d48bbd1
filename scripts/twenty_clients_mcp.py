"""The twenty-mcp part of scripts/twenty_clients.py, run by the Python of the venv twenty-mcp is installed in.

twenty-mcp (PyPI) is a FastMCP server over Twenty's REST (`/rest`, `/rest/metadata`) and GraphQL (`/graphql`,
`/metadata`) APIs, configured by TWENTY_URL and TWENTY_TOKEN. This builds its MCP server in-process and calls its
tools through fastmcp's in-memory client, exactly as an MCP host would over stdio, then prints one JSON line per
tool call: {"what", "ok", "detail"}.
"""

import asyncio
import json
import os
import sys
import traceback

sys.argv = [sys.argv[0]]  # the server factory parses the command line


def out(what, ok, detail=""):
    print(json.dumps({"what": what, "ok": bool(ok), "detail": str(detail)[:600]}), flush=True)


def rows(answer, plural):
    """The records of a list answer, in either REST_RESPONSE_FORMAT."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(data, dict):
        data = data.get(plural)
    return data if isinstance(data, list) else []


def record(answer, *keys):
    """The record of a one-record answer, in either format (`data` or `data.<operation>`)."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), dict):
                return data[key]
    return data if isinstance(data, dict) else {}


async def main():
    from fastmcp import Client

    from twenty_mcp.mcp_server import get_mcp_instance

    mcp, _, _ = get_mcp_instance()
    async with Client(mcp) as client:
        tools = {tool.name for tool in await client.list_tools()}
        out("list_tools", {"twenty_mcp_crm", "twenty_mcp_metadata", "twenty_discover_graphql_schema",
                           "twenty_graphql"} <= tools, sorted(tools))

        async def tool(name, **arguments):
            # The server's middleware (agent-utilities) allows 10 tool calls a second, bursts of 20: pace the calls.
            await asyncio.sleep(0.15)
            try:
                result = await client.call_tool(name, arguments, raise_on_error=False)
            except Exception as error:  # an MCP error answer (e.g. a tool dependency that cannot be built)
                return {"error": f"MCP error: {error}"}
            if result.structured_content is not None:
                content = result.structured_content
                return content.get("result", content) if set(content) == {"result"} else content
            return {"error": "".join(getattr(c, "text", "") for c in result.content)}

        async def crm(action, **params):
            return await tool("twenty_mcp_crm", action=action, params_json=json.dumps(params))

        async def metadata(action, **params):
            return await tool("twenty_mcp_metadata", action=action, params_json=json.dumps(params))

        # Schema discovery.
        answer = await metadata("create_metadata_object",
                                data={"nameSingular": "invoice", "namePlural": "invoices",
                                      "labelSingular": "Invoice", "labelPlural": "Invoices", "icon": "IconReceipt"})
        invoice = record(answer, "createOneObject")
        out("metadata create_metadata_object (custom object)", invoice.get("nameSingular") == "invoice", answer)
        answer = await metadata("get_metadata_objects")
        names = {o.get("nameSingular") for o in rows(answer, "objects")}
        out("metadata get_metadata_objects lists standard and custom objects",
            {"company", "person", "opportunity", "invoice"} <= names, answer if not names else sorted(names))
        answer = await tool("twenty_discover_graphql_schema")
        text = json.dumps(answer)
        out("twenty_discover_graphql_schema (whole model)",
            "error" not in answer and all(f'"{n}"' in text for n in ["company", "person", "invoice"]), text[:600])
        answer = await metadata("get_metadata_object", object_name_or_id=invoice.get("id", "-"))
        out("metadata get_metadata_object by id", record(answer, "object").get("namePlural") == "invoices", answer)
        answer = await tool("twenty_discover_graphql_schema", type_name=invoice.get("id", "-"))
        out("twenty_discover_graphql_schema (one object, by id)",
            "invoices" in json.dumps(answer) and "error" not in answer, answer)
        # The tool's description suggests a name ('company'); Twenty's /rest/metadata/objects/{id} takes ids only
        # and answers 400 to anything else, as this server does.
        answer = await tool("twenty_discover_graphql_schema", type_name="company")
        out("twenty_discover_graphql_schema (one object, by name: a 400 as from Twenty)",
            "API error: 400" in str(answer.get("error", "")), answer)
        fields = [f.get("name") for f in invoice.get("fields") or []]
        out("the custom object has Twenty's default `name` field", "name" in fields, fields)
        answer = await metadata("create_metadata_field",
                                data={"objectMetadataId": invoice.get("id", "-"), "type": "NUMBER",
                                      "name": "amount", "label": "Amount"})
        out("metadata create_metadata_field", record(answer, "createOneField").get("name") == "amount", answer)
        answer = await crm("create_record", object_name="invoices", data={"amount": 10})
        out("crm create_record on the custom object", record(answer, "createInvoice").get("amount") == 10, answer)
        answer = await crm("get_records", object_name="invoices", params={"filter": "amount[gt]:5"})
        out("crm get_records on the custom object with a filter", len(rows(answer, "invoices")) == 1, answer)

        # Companies.
        answer = await crm("create_company", name="Acme", employees=50)
        company = record(answer, "createCompany")
        out("crm create_company", company.get("name") == "Acme" and company.get("employees") == 50, answer)
        cid = company.get("id", "-")
        answer = await crm("get_company", company_id=cid)
        out("crm get_company", record(answer, "company").get("id") == cid, answer)
        answer = await crm("update_company", company_id=cid, data={"employees": 75})
        out("crm update_company", record(answer, "updateCompany").get("employees") == 75, answer)
        await crm("create_company", name="Globex", employees=5)
        answer = await crm("find_records", object_name="companies", filter="employees[gte]:10",
                           order_by="name[AscNullsFirst]")
        out("crm find_records with a filter", [r.get("name") for r in rows(answer, "companies")] == ["Acme"], answer)
        answer = await crm("get_companies", params={"filter": 'name[eq]:"Globex"'})
        out("crm get_companies with a filter", [r.get("name") for r in rows(answer, "companies")] == ["Globex"],
            answer)

        # People.
        answer = await crm("create_record", object_name="people",
                           data={"name": {"firstName": "Ada", "lastName": "Lovelace"},
                                 "emails": {"primaryEmail": "ada@example.com"}, "companyId": cid})
        person = record(answer, "createPerson")
        out("crm create_record person (Twenty's body: name, emails, companyId)",
            (person.get("name") or {}).get("firstName") == "Ada", answer)
        if not person:  # this server's person has `email` (EMAIL), not Twenty's `emails` (EMAILS)
            answer = await crm("create_record", object_name="people",
                               data={"name": {"firstName": "Ada", "lastName": "Lovelace"},
                                     "email": "ada@example.com", "companyId": cid})
            person = record(answer, "createPerson")
            out("crm create_record person (with `email`)", (person.get("name") or {}).get("firstName") == "Ada",
                answer)
        pid = person.get("id", "-")
        answer = await crm("get_person", person_id=pid)
        out("crm get_person", record(answer, "person").get("companyId") == cid, answer)
        answer = await crm("update_person", person_id=pid, data={"jobTitle": "Engineer"})
        out("crm update_person", record(answer, "updatePerson").get("jobTitle") == "Engineer", answer)
        answer = await crm("get_people", params={"filter": "name.firstName[eq]:Ada"})
        out("crm get_people with a filter", [r.get("id") for r in rows(answer, "people")] == [pid], answer)
        # create_person sends Twenty-invalid flat {firstName, lastName, email}: Twenty refuses it with a 400, and
        # so must this server.
        answer = await crm("create_person", first_name="Grace", last_name="Hopper", email="grace@example.com")
        out("crm create_person (the client's flat body is refused with a 400, as by Twenty)",
            "API error: 400" in str(answer.get("error", "")), answer)

        # GraphQL.
        answer = await crm("execute_gql", query="{ companies(filter: {name: {eq: \"Acme\"}}) "
                                                 "{ edges { node { id name } } } }")
        edges = ((answer.get("data") or {}).get("companies") or {}).get("edges") or []
        out("crm execute_gql (POST /graphql)", [e["node"]["id"] for e in edges] == [cid], answer)
        answer = await tool("twenty_graphql", query="query($f: CompanyFilterInput) { companies(filter: $f) "
                                                    "{ totalCount edges { node { name } } } }",
                            variables=json.dumps({"f": {"employees": {"gte": 10}}}))
        out("twenty_graphql (gql client, /graphql)",
            isinstance(answer, dict) and (answer.get("companies") or {}).get("totalCount") == 1, answer)

        # Twenty's POST /rest/{plural}/duplicates: the records that share a duplicate criterion (companies: name,
        # domain) with the given data.
        answer = await crm("find_duplicates", object_name="companies", data=[{"name": "Globex"}])
        out("crm find_duplicates (POST /rest/companies/duplicates)", "Globex" in json.dumps(answer), answer)
        # The day-0 flow on /metadata: getLoginTokenFromCredentials, getAuthTokensFromLoginToken, getRoles,
        # createApiKey(input: {name, expiresAt, roleId}), generateApiKeyToken.
        answer = await tool("twenty_provision_api_key", email=os.environ["TWENTY_EMAIL"],
                            password=os.environ["TWENTY_PASSWORD"])
        out("twenty_provision_api_key (Twenty's login and API-key mutations)",
            isinstance(answer, dict) and answer.get("api_key"), answer)

        # Deletes.
        answer = await crm("delete_person", person_id=pid)
        out("crm delete_person", "error" not in answer, answer)
        answer = await crm("get_person", person_id=pid)
        out("crm get_person after delete is a 404", "API error: 404" in str(answer.get("error", "")), answer)
        answer = await crm("delete_company", company_id=cid)
        out("crm delete_company", "error" not in answer, answer)
        answer = await metadata("delete_metadata_object", object_id=invoice.get("id", "-"))
        out("metadata delete_metadata_object", "error" not in answer, answer)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception:
        out("run", False, traceback.format_exc()[-600:])
