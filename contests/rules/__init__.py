"""Contest rules as pure functions over plain values (no database): the draw plan."""
