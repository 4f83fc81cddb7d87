# The game families: one folder each under games/, one line each here. A family's folder
# holds everything of it (see games/README.md); this list is the only place outside it
# that names the family.
set(ARENA_GAME_FAMILIES
  go
  math
  poker
  connect_four
  chess
  diplomacy
)
