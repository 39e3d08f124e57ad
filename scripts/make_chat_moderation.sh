#!/usr/bin/env bash
# Writes data/chat_moderation/{train,test}.csv: made-up game chat lines, each tagged with zero or
# more of spam, toxic, trade and help, and given a made-up severity score in [0, 10]. The output
# is the same on every run. The script draws its random numbers from its own Park-Miller
# generator, because awk's rand() differs between awk implementations (checked with mawk only).
#
# Usage: bash scripts/make_chat_moderation.sh [OUTPUT_DIR]   (default: data/chat_moderation)
set -euo pipefail

out_dir="${1:-$(dirname "$0")/../data/chat_moderation}"
mkdir -p "$out_dir"

awk -v out_dir="$out_dir" '
# Park-Miller minimal standard generator: every product stays below 2^53, so awk doubles hold it exactly.
function next_random() { seed = (seed * 16807) % 2147483647; return seed }
function pick(n) { return next_random() % n }

# Adds one phrase with its tag and its severity weight to the pool of that tag.
function add(tag, weight, text) { count[tag]++; phrase[tag, count[tag]] = text; severity_weight[tag, count[tag]] = weight }

BEGIN {
  seed = 20240601

  # Severity weights: insults and threats weigh most, spam some, trade and help nothing.
  add("toxic", 3.0, "uninstall noob")
  add("toxic", 3.5, "you play like a bot")
  add("toxic", 4.0, "worst healer i have ever seen")
  add("toxic", 4.5, "you are trash at this game")
  add("toxic", 5.0, "shut up idiot")
  add("toxic", 5.5, "nobody wants you here loser")
  add("toxic", 6.0, "i hope your account gets deleted")
  add("toxic", 6.5, "i will find you and ruin every run you join")
  add("spam", 2.0, "free gems at gemz4u dot net")
  add("spam", 2.0, "join my discord for free skins")
  add("spam", 2.5, "cheap gold fast delivery visit goldpile dot com")
  add("spam", 2.5, "click my profile link for a free mount")
  add("spam", 3.0, "level boosting 24 7 whisper me for prices")
  add("spam", 3.0, "copy this message to ten players or lose your loot")
  add("trade", 0.0, "wts frostvein ore x20")
  add("trade", 0.0, "wtb mana potion")
  add("trade", 0.0, "selling ember sword 500g")
  add("trade", 0.0, "buying wolf pelts paying well")
  add("trade", 0.0, "trade my bow for your shield")
  add("trade", 0.0, "price check on a hollowmere cloak")
  add("help", 0.0, "how do i get to greyspire")
  add("help", 0.0, "where is the blacksmith in town")
  add("help", 0.0, "need a heal pls")
  add("help", 0.0, "what does the ember stat do")
  add("help", 0.0, "can someone explain the crafting menu")
  add("help", 0.0, "stuck on the bridge quest any tips")
  add("none", 0.0, "gg")
  add("none", 0.0, "lol")
  add("none", 0.0, "brb")
  add("none", 0.0, "hi all")
  add("none", 0.0, "nice run everyone")
  add("none", 0.0, "ok")
  add("none", 0.0, "back in five")
  add("none", 0.0, "that boss was fun")
  add("none", 0.0, "anyone up for a dungeon")
  add("none", 0.0, "my cat walked on the keyboard")
  add("none", 0.0, "lag is bad tonight")
  add("none", 0.0, "good morning guild")
  # These words raise severity when they come with an insult or spam, and mean nothing alone.
  add("again", 1.0, "again")
  add("again", 1.0, "every day")

  tag_name[1] = "spam"; tag_name[2] = "toxic"; tag_name[3] = "trade"; tag_name[4] = "help"
  rows = 600
  print "text,tags,severity" > (out_dir "/train.csv")
  print "text,tags,severity" > (out_dir "/test.csv")
  written = 0
  while (written < rows) {
    # Tag sets: about a fifth of the lines have none, most have one, some have two.
    roll = pick(100)
    n_tags = roll < 20 ? 0 : (roll < 75 ? 1 : 2)
    split("", chosen)
    tags = ""
    n_parts = 0
    severity = 0
    for (k = 0; k < n_tags; k++) {
      t = tag_name[pick(4) + 1]
      if (t in chosen) continue
      chosen[t] = 1
      i = pick(count[t]) + 1
      part[++n_parts] = phrase[t, i]
      severity += severity_weight[t, i]
    }
    # Tags in a fixed order, so the same set is always written the same way.
    for (j = 1; j <= 4; j++) if (tag_name[j] in chosen) tags = tags (tags == "" ? "" : "|") tag_name[j]
    # A line without tags is one or two pieces of small talk.
    if (n_parts == 0) part[++n_parts] = phrase["none", pick(count["none"]) + 1]
    if (n_parts == 1 && n_tags == 0 || pick(3) == 0) part[++n_parts] = phrase["none", pick(count["none"]) + 1]
    if (pick(4) == 0) {
      i = pick(count["again"]) + 1
      part[++n_parts] = phrase["again", i]
      if (severity > 0) severity += severity_weight["again", i]
    }
    # Shuffle the phrases (Fisher-Yates) so the position of a phrase does not give its tag away.
    for (j = n_parts; j > 1; j--) { r = pick(j) + 1; tmp = part[j]; part[j] = part[r]; part[r] = tmp }
    text = part[1]
    for (j = 2; j <= n_parts; j++) text = text " " part[j]
    # Up to +-0.5 of noise keeps the score from being an exact sum, then clamp to [0, 10].
    severity += (pick(11) - 5) / 10
    if (severity < 0) severity = 0
    if (severity > 10) severity = 10
    if (text in seen) continue
    seen[text] = 1
    # Every fifth distinct line goes to the test file: an 80/20 split with no text in both.
    file = (written % 5 == 4) ? "/test.csv" : "/train.csv"
    printf "%s,%s,%.1f\n", text, tags, severity > (out_dir file)
    written++
  }
}
'
