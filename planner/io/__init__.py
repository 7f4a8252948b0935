"""Reading and writing plans and their inputs (Qt-free)."""
