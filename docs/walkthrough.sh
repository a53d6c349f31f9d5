#!/usr/bin/env bash
# One IDP from kickoff to sign-off through the public API, each step by the organisation that owns it.
# Run against `npm start` (embedded defaults) in another terminal: bash docs/walkthrough.sh
# The README's API walkthrough is this script, step by step.
set -euo pipefail
API=${API:-http://localhost:3000/v1}
TAG=${TAG:-$RANDOM}
ODS=$(printf 'W%05d' $((RANDOM % 100000)))

key() { npm run -s admin -- key create --organisation "$1" | tail -n 1; }
org() { npm run -s admin -- organisation create --role "$1" --code "$2" --name "$3" >/dev/null 2>&1 || true; }

# 1. Organisations and one API key each (an operator does this once per organisation).
org icb QWT "Walkthrough ICB"
org delivery-partner "CSU-$TAG" "Walkthrough CSU"
org supplier "OLD-$TAG" "Current Supplier Ltd"
org supplier "NEW-$TAG" "New Supplier Ltd"
org practice "$ODS" "Riverside Surgery"
ICB=$(key QWT); CSU=$(key "CSU-$TAG"); OLD=$(key "OLD-$TAG"); NEW=$(key "NEW-$TAG"); GP=$(key "$ODS")

call() { # call KEY METHOD PATH [JSON]
  curl -sS --fail-with-body -X "$2" "$API$3" -H "Authorization: Bearer $1" -H 'content-type: application/json' ${4:+-d "$4"}
  echo
}

# 2. The ICB kicks off the practice's IDP.
GO_LIVE=$(node -e "const d=new Date(Date.now()+100*864e5);while([0,6].includes(d.getUTCDay()))d.setUTCDate(d.getUTCDate()+1);console.log(d.toISOString().slice(0,10))")
ID=$(call "$ICB" POST /migrations "{\"practiceOdsCode\":\"$ODS\",\"practiceName\":\"Riverside Surgery\",\"icbCode\":\"QWT\",
  \"currentSupplier\":\"OLD-$TAG\",\"newSupplier\":\"NEW-$TAG\",\"deliveryPartner\":\"CSU-$TAG\",\"plannedGoLive\":\"$GO_LIVE\",
  \"participants\":[{\"name\":\"Pat Khan\",\"organisation\":\"Riverside Surgery\",\"role\":\"practice\",\"email\":\"pat@example.nhs.uk\"}]}" \
  | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
echo "migration $ID"

# 3. Extract exchange: requested and loaded by the new supplier, delivered by the current one.
call "$NEW" POST "/migrations/$ID/milestones/extractRequested" '{}'
call "$OLD" POST "/migrations/$ID/milestones/extractDelivered" '{"evidence":"MESH message 7f3a"}'
for m in extractReceived extractLoaded testSystemAvailable; do call "$NEW" POST "/migrations/$ID/milestones/$m" '{}'; done

# 4. Access and training.
call "$NEW" POST "/migrations/$ID/milestones/adminUsersProvisioned" '{"adminUsers":[{"name":"Pat Khan"},{"name":"Lee Brown"}]}'
call "$GP" POST "/migrations/$ID/milestones/practiceUsersSetUp" '{}'
call "$NEW" POST "/migrations/$ID/milestones/trainingScheduled" '{"trainingSession":{"startsAt":"2027-01-12T10:00:00Z","durationMinutes":120}}'
call "$CSU" POST "/migrations/$ID/milestones/usersTrained" '{"trainedUsers":2}'

# 5. Data checking: criteria, selection, one round, the outcome, the clinical lead's sign-off.
call "$NEW" POST "/migrations/$ID/milestones/testCriteriaProvided" '{}'
call "$GP" POST "/migrations/$ID/milestones/patientsSelected" '{}'
call "$GP" POST "/migrations/$ID/milestones/dataCheckRoundCompleted" '{"note":"20 records checked, no issues"}'
call "$GP" POST "/migrations/$ID/rounds/current/outcome" '{"outcome":"passed","summary":{"accuracyPercent":100,"completenessPercent":100}}'
call "$GP" POST "/migrations/$ID/sign-off" '{"clinicalLeadName":"Dr Amira Shah","declarationAccepted":true}'

# 6. Where it stands, and who did what.
call "$ICB" GET "/migrations/$ID" | node -pe 'const m=JSON.parse(require("fs").readFileSync(0)); `${m.stage}, forecast go-live ${m.forecastGoLive}`'
call "$ICB" GET "/migrations/$ID/events?pageSize=100" | node -pe 'JSON.parse(require("fs").readFileSync(0)).items.map(e=>`${e.occurredAt} ${e.actor.role} ${e.action} ${e.details.milestone ?? ""}`).join("\n")'
