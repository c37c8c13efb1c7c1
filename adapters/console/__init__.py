"""Console adapter: ``jalur chat`` in a terminal."""
