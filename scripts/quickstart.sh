#!/usr/bin/env bash
# The quickstart: build maas, train the bundled game-chat intent model, evaluate it, classify two
# lines, then serve it on http://127.0.0.1:${PORT:-8080} until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}
bash scripts/setup.sh build maas
maas=build/maas

echo "== train configs/text.yaml" >&2
$maas train configs/text.yaml
echo "== evaluate on data/game_intents/test.csv" >&2
$maas eval runs/text/model --data data/game_intents/test.csv
echo "== predict" >&2
printf 'wts frostvein ore 20g each\nhelp pls stuck in the cave\n' | $maas predict runs/text/model
echo "== export to models/ and serve" >&2
# Each run adds the next version under models/text/; the server serves the latest.
$maas export runs/text/model --output models --name text >/dev/null
cat >&2 <<TXT
Try it from another terminal:
  curl -s -X POST http://127.0.0.1:${port}/v1/models/text:predict -d '{"instances": ["anyone selling a mana potion?", "gg ez noob"]}'
Stop the server with Ctrl-C.
TXT
exec $maas serve --model-dir models --port "$port"
