#!/bin/sh
# Once the Temporal server answers: creates the namespace IDP Orchestrator uses (if missing) and registers its
# custom search attributes (IDP_SEARCH_ATTRIBUTES, "Name=Type ..."; the ones libs/temporal defines). The worker
# registers missing ones at start as well; doing it here lets the Temporal UI filter on them from the first minute.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${IDP_SEARCH_ATTRIBUTES:?}"
export TEMPORAL_ADDRESS

until temporal operator cluster health >/dev/null 2>&1; do
  echo "waiting for the Temporal server at $TEMPORAL_ADDRESS"
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention "${NAMESPACE_RETENTION:-720h}"
fi

# A namespace just created takes a moment to reach every server cache.
until existing="$(temporal operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null)"; do sleep 1; done
for attribute in $IDP_SEARCH_ATTRIBUTES; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name: already registered"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
  fi
done
