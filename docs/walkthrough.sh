#!/usr/bin/env bash
# One green factory through every stage with curl, against a running platform (`make run`).
# Each step prints the service's answer; `jq` is not needed.
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/greenlist
BATCH=${BATCH:-9$(date +%S | cut -c2)$((RANDOM % 90 + 10))-$((RANDOM % 9 + 1))}  # any YYYY-N code not used yet
CREDIT=91350100M000100Y43 REGION=350000 AGENCY=9144030071526726XG
M=$($G token ministry); A=$($G token applicant $CREDIT)
P=$($G token province $REGION); AG=$($G token agency $AGENCY)
J='content-type: application/json'
field() { python3 -c "import sys,json; print(json.load(sys.stdin)[\"$1\"])"; }
step() { printf '\n== %s\n' "$1"; }

step "the ministry opens a batch under the demo rule set (the 2020 rules, no publicity period)"
curl -sf -XPOST localhost:8001/api/v1/batches -H "Authorization: Bearer $M" -H "$J" \
  -d "{\"code\":\"$BATCH\",\"rule_set\":\"demo\"}"

step "an enterprise in Fujian drafts a green factory application"
ID=$(curl -sf -XPOST localhost:8001/api/v1/batches/$BATCH/applications -H "Authorization: Bearer $A" -H "$J" \
  -d "{\"category\":\"green_factory\",\"applicant_name\":\"福建示例电器制造有限公司\",\"credit_code\":\"$CREDIT\",
       \"region\":\"$REGION\",\"address\":\"福州市示例路1号\",\"contact\":{\"name\":\"张三\",\"phone\":\"0591-12345678\"},
       \"industry_code\":\"C3857\",\"products\":[\"家用电冰箱\"]}" | field id)
echo "application $ID"

step "it submits, declaring each exclusion condition; eligibility is checked with its evidence"
curl -sf -XPOST localhost:8001/api/v1/applications/$ID/submit -H "Authorization: Bearer $A" -H "$J" \
  -d '{"declarations":{"major_accident":false,"pollution_incident":false,"supervision_finding":false,
       "energy_rectification":false,"dishonest_enforcement":false}}'
curl -sf localhost:8001/api/v1/applications/$ID/eligibility -H "Authorization: Bearer $A"

step "an agency registers (qualification is computed), is entrusted, accepts and reports"
curl -s -XPOST localhost:8002/api/v1/agencies -H "Authorization: Bearer $AG" -H "$J" \
  -d @docs/examples/agency-registration.json
curl -sf localhost:8002/api/v1/agencies/$AGENCY/qualification -H "Authorization: Bearer $AG"
INDEPENDENCE='{"declared":true,"statement":"本机构未参与自评价报告编制，与申报单位无关联关系"}'
EID=$(curl -sf -XPOST localhost:8002/api/v1/engagements -H "Authorization: Bearer $A" -H "$J" \
  -d "{\"application_id\":\"$ID\",\"agency_id\":\"$AGENCY\",\"independence\":$INDEPENDENCE}" | field id)
curl -sf -XPOST localhost:8002/api/v1/engagements/$EID/acceptance -H "Authorization: Bearer $AG" -H "$J" \
  -d "{\"accept\":true,\"independence\":$INDEPENDENCE}"
curl -sf -XPOST localhost:8002/api/v1/engagements/$EID/report -H "Authorization: Bearer $AG" \
  -F "report=<docs/examples/report-green_factory.json" -F "file=@docs/examples/signed-report.pdf;type=application/pdf"

step "the province recommends (quota: 30 factories); the ministry approves"
curl -sf -XPOST localhost:8001/api/v1/applications/$ID/recommendation -H "Authorization: Bearer $P" -H "$J" \
  -d '{"decision":"recommend"}'
curl -sf -XPOST localhost:8003/api/v1/applications/$ID/decision -H "Authorization: Bearer $M" -H "$J" \
  -d '{"decision":"approve"}'

step "the package deadline (2020-06-01, China time) has passed: a late package is refused"
curl -s -XPOST localhost:8001/api/v1/batches/$BATCH/package -H "Authorization: Bearer $P"

step "publicity (0 days under the demo rules), then publication"
curl -sf -XPOST localhost:8003/api/v1/batches/$BATCH/publicity -H "Authorization: Bearer $M"
sleep 1
curl -sf -XPOST localhost:8003/api/v1/batches/$BATCH/publication -H "Authorization: Bearer $M"
sleep 2

step "anyone reads the list (also /public, .csv, .xlsx and /public/announcements/$BATCH)"
curl -sf "localhost:8003/api/v1/public/list?batch=$BATCH"
step "ops sees where the case stands and why; the applicant's inbox"
curl -sf localhost:8003/api/v1/ops/applications/$ID -H "Authorization: Bearer $($G token ops)" | head -c 600; echo
curl -sf "localhost:8004/api/v1/inbox" -H "Authorization: Bearer $A" | head -c 400; echo
step "the triennial-review Schedule of the batch"
curl -sf localhost:8003/api/v1/ops/schedules/$BATCH -H "Authorization: Bearer $($G token ops)"; echo
